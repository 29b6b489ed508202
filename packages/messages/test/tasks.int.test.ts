import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { Broker } from '../src/broker.js';
import { PermanentError, TransientError } from '../src/errors.js';
import { brokerNames } from '../src/names.js';
import { ATTEMPT_HEADER, type FailureDecision, type TaskContext } from '../src/subscribe-tasks.js';
import type { TaskMessage } from '../src/task.js';
import { createTestBroker, createTestNamespace, purgeNamespace, queueDepth } from '../src/testing.js';
import { deadLettersOf, silentLogger, taskMessage, waitFor } from './support.js';

let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;
let names: ReturnType<typeof brokerNames>;
const runId = uuidv4();
const connect = () =>
  createTestBroker({
    amqpUrl: ns.amqpUrl,
    namespace: ns.namespace,
    logger: silentLogger,
    closeGraceMs: 5_000,
  });

beforeAll(async () => {
  ns = await createTestNamespace();
  broker = await connect();
  names = brokerNames(ns.namespace);
});

afterAll(async () => {
  await broker.close();
  await ns.cleanup();
});

describe('subscribeTasks', () => {
  it('round-trips a task, retries a transient failure through the delay queue, and succeeds on attempt 3', async () => {
    const attempts: { attempt: number; redelivered: boolean }[] = [];
    const decisions: FailureDecision[] = [];
    const received: TaskMessage[] = [];
    const flaky = taskMessage(runId, 'flaky');
    const subscription = await broker.subscribeTasks({
      prefetch: 4,
      maxAttempts: 5,
      retryBaseMs: 300,
      handler: async (task, context) => {
        received.push(task);
        attempts.push({ attempt: context.attempt, redelivered: context.redelivered });
        if (context.attempt < 3) throw new TransientError(`not yet (${context.attempt})`);
      },
      onFailure: async (_task, _error, decision) => void decisions.push(decision),
    });
    await broker.publishTasks([flaky]);
    await waitFor(() => (attempts.length >= 3 ? true : undefined), 'three attempts');
    await subscription.cancel();
    await subscription.drained();

    expect(received).toEqual([flaky, flaky, flaky]);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Each retry is a new message from the delay queue carrying the next attempt, not a redelivery.
    expect(attempts).toEqual([
      { attempt: 1, redelivered: false },
      { attempt: 2, redelivered: false },
      { attempt: 3, redelivered: false },
    ]);
    expect(decisions).toEqual([
      { attempt: 1, kind: 'transient', final: false },
      { attempt: 2, kind: 'transient', final: false },
    ]);
    expect(await queueDepth(ns.amqpUrl, names.tasksQueue)).toBe(0);
  });

  it('dead-letters a task that keeps failing at the attempt limit, a permanent failure at once, and an unparseable task', async () => {
    const decisions: { selection: string; decision: FailureDecision }[] = [];
    const subscription = await broker.subscribeTasks({
      prefetch: 4,
      maxAttempts: 3,
      retryBaseMs: 20,
      handler: async (task) => {
        if (task.selection === 'always') throw new TransientError('still down');
        throw new PermanentError('bad input');
      },
      onFailure: async (task, _error, decision) =>
        void decisions.push({ selection: task.selection, decision }),
    });
    await broker.publishTasks([taskMessage(runId, 'always'), taskMessage(runId, 'broken')]);
    await broker.publishRaw('tasks', Buffer.from('["not a task"]'));
    const letters = await deadLettersOf(ns.amqpUrl, names.tasksDeadQueue, 3);
    await subscription.cancel();
    await subscription.drained();

    const byReason = Object.fromEntries(
      letters.map((letter) => [String(letter.headers['x-conveyor-reason']), letter.headers]),
    );
    expect(byReason['still down']?.[ATTEMPT_HEADER]).toBe(3);
    expect(byReason['still down']?.['x-conveyor-error-kind']).toBe('transient');
    expect(byReason['bad input']?.[ATTEMPT_HEADER]).toBe(1);
    expect(byReason['bad input']?.['x-conveyor-error-kind']).toBe('permanent');
    expect(Object.keys(byReason).some((reason) => reason.startsWith('invalid task'))).toBe(true);
    expect(decisions.filter((d) => d.selection === 'always').map((d) => d.decision)).toEqual([
      { attempt: 1, kind: 'transient', final: false },
      { attempt: 2, kind: 'transient', final: false },
      { attempt: 3, kind: 'transient', final: true },
    ]);
    expect(decisions.filter((d) => d.selection === 'broken').map((d) => d.decision)).toEqual([
      { attempt: 1, kind: 'permanent', final: true },
    ]);
  });

  it('hands a task back, not failed, when the worker closes while the handler runs; another worker gets it', async () => {
    const stopping = await connect();
    const started: TaskContext[] = [];
    const failures: FailureDecision[] = [];
    await stopping.subscribeTasks({
      prefetch: 1,
      maxAttempts: 5,
      handler: async (_task, context) => {
        started.push(context);
        // A long calculation that stops when asked to.
        await new Promise((_resolve, reject) =>
          context.signal.addEventListener('abort', () =>
            reject(new DOMException('worker stopping', 'AbortError')),
          ),
        );
      },
      onFailure: async (_task, _error, decision) => void failures.push(decision),
    });
    const long = taskMessage(runId, 'long');
    await broker.publishTasks([long]);
    await waitFor(() => (started.length > 0 ? true : undefined), 'the task to start');
    await stopping.stopConsuming();
    await stopping.close();

    const taken: { task: TaskMessage; context: TaskContext }[] = [];
    const subscription = await broker.subscribeTasks({
      prefetch: 1,
      maxAttempts: 5,
      handler: async (task, context) => void taken.push({ task, context }),
    });
    await waitFor(() => (taken.length > 0 ? true : undefined), 'the task on the other worker');
    await subscription.cancel();
    await subscription.drained();

    expect(started[0]!.signal.aborted).toBe(true);
    expect(failures).toEqual([]);
    expect(taken.map(({ task, context }) => [task, context.attempt, context.redelivered])).toEqual([
      [long, 1, true],
    ]);
  });

  it('runs `concurrency` handlers at once; a released slot starts the next task while the last one reports', async () => {
    const running = new Set<string>();
    let most = 0;
    const started: string[] = [];
    const reporting: (() => void)[] = [];
    const subscription = await broker.subscribeTasks({
      concurrency: 2,
      prefetch: 4,
      maxAttempts: 1,
      handler: async (task, context) => {
        running.add(task.selection);
        most = Math.max(most, running.size);
        started.push(task.selection);
        await new Promise((resolve) => setTimeout(resolve, 30)); // its work
        running.delete(task.selection);
        context.releaseSlot();
        await new Promise<void>((resolve) => reporting.push(resolve)); // its confirms, held here
      },
    });
    await broker.publishTasks(['s1', 's2', 's3', 's4'].map((selection) => taskMessage(runId, selection)));
    // Two slots, four tasks: all four run while the first two still wait for their "confirms".
    await waitFor(() => (started.length === 4 && reporting.length === 4 ? true : undefined), 'four tasks');
    reporting.forEach((confirm) => confirm());
    await subscription.cancel();
    await subscription.drained();

    expect(most).toBe(2);
    expect([...started].sort()).toEqual(['s1', 's2', 's3', 's4']);
    expect(await queueDepth(ns.amqpUrl, names.tasksQueue)).toBe(0);
  });

  it('hands back the tasks waiting for a slot when consumption stops; the running one finishes', async () => {
    const holder = await connect();
    const started: string[] = [];
    let finish!: () => void;
    const subscription = await holder.subscribeTasks({
      concurrency: 1,
      prefetch: 3,
      maxAttempts: 1,
      handler: async (task) => {
        started.push(task.selection);
        await new Promise<void>((resolve) => (finish = resolve));
      },
    });
    await broker.publishTasks(['w1', 'w2', 'w3'].map((selection) => taskMessage(runId, selection)));
    await waitFor(() => (started.length === 1 ? true : undefined), 'the first task');
    await subscription.cancel();
    finish();
    await subscription.drained();
    await holder.close();

    expect(started).toHaveLength(1);
    // The two that waited are back in the queue, for another worker.
    await waitFor(
      async () => ((await queueDepth(ns.amqpUrl, names.tasksQueue)) === 2 ? true : undefined),
      'two tasks handed back',
    );
    await purgeNamespace(ns.amqpUrl, ns.namespace);
  });

  it('takes no task once consumption stopped: a task published after it goes to another worker', async () => {
    const stopped = await connect();
    const seenByStopped: TaskMessage[] = [];
    await stopped.subscribeTasks({
      prefetch: 10,
      maxAttempts: 5,
      handler: async (task) => void seenByStopped.push(task),
    });
    await stopped.stopConsuming();
    const later = taskMessage(runId, 'later');
    await broker.publishTasks([later]);

    const taken: TaskMessage[] = [];
    const subscription = await broker.subscribeTasks({
      prefetch: 1,
      maxAttempts: 5,
      handler: async (task) => void taken.push(task),
    });
    await waitFor(() => (taken.length > 0 ? true : undefined), 'the task on the other worker');
    await subscription.cancel();
    await subscription.drained();
    await stopped.close();

    expect(taken).toEqual([later]);
    expect(seenByStopped).toEqual([]);
  });
});

describe('purgeNamespace', () => {
  it('empties the queues of a namespace', async () => {
    await broker.publishTasks([taskMessage(runId, 'a'), taskMessage(runId, 'b')]);
    await waitFor(
      async () => ((await queueDepth(ns.amqpUrl, names.tasksQueue)) === 2 ? true : undefined),
      'two tasks',
    );
    await purgeNamespace(ns.amqpUrl, ns.namespace);
    expect(await queueDepth(ns.amqpUrl, names.tasksQueue)).toBe(0);
  });
});
