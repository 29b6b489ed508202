import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { Broker } from '../src/broker.js';
import { PermanentError, TransientError } from '../src/errors.js';
import { brokerNames } from '../src/names.js';
import { ATTEMPT_HEADER, type FailureDecision } from '../src/subscribe-tasks.js';
import { bundleTasks, type TaskBundle, type TaskMessage } from '../src/task.js';
import {
  createTestBroker,
  createTestNamespace,
  purgeNamespace,
  queueDepth,
  tapTaskMessages,
} from '../src/testing.js';
import { deadLettersOf, silentLogger, taskMessage, waitFor } from './support.js';

let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;
let names: ReturnType<typeof brokerNames>;
const runId = uuidv4();

/** Tasks of one run, as the leader makes them: the same per-run fields (`reuse` among them). */
const runTasks = (selections: string[]): TaskMessage[] =>
  selections.map((selection) => ({ ...taskMessage(runId, selection), calculation: 'noop', reuse: true }));
const bundleOf = (tasks: TaskMessage[]) => bundleTasks(tasks, tasks.length)[0] as TaskBundle;

beforeAll(async () => {
  ns = await createTestNamespace();
  broker = await createTestBroker({
    amqpUrl: ns.amqpUrl,
    namespace: ns.namespace,
    logger: silentLogger,
    closeGraceMs: 5_000,
  });
  names = brokerNames(ns.namespace);
});

afterAll(async () => {
  await broker.close();
  await ns.cleanup();
});

describe('subscribeTasks with bundles', () => {
  it('settles each task of a bundle alone: a transient failure retried alone, a permanent one dead-lettered alone', async () => {
    const tap = await tapTaskMessages(ns.amqpUrl, ns.namespace);
    const handled: { selection: string; attempt: number; reuse: boolean | undefined }[] = [];
    const decisions: { selection: string; decision: FailureDecision }[] = [];
    const subscription = await broker.subscribeTasks({
      concurrency: 2,
      prefetch: 4,
      maxAttempts: 3,
      retryBaseMs: 50,
      handler: async (task, context) => {
        handled.push({ selection: task.selection, attempt: context.attempt, reuse: task.reuse });
        if (task.selection === 'flaky' && context.attempt === 1) throw new TransientError('not yet');
        if (task.selection === 'broken') throw new PermanentError('no data for broken');
      },
      onFailure: async (task, _error, decision) =>
        void decisions.push({ selection: task.selection, decision }),
    });
    const tasks = runTasks(['ok1', 'flaky', 'broken', 'ok2']);
    await broker.publishTasks([bundleOf(tasks)]);
    const letters = await deadLettersOf(ns.amqpUrl, names.tasksDeadQueue, 1);
    await waitFor(() => (handled.length === 5 ? true : undefined), 'five attempts');
    await subscription.cancel();
    await subscription.drained();
    await tap.close();

    expect(handled.map(({ selection, attempt }) => `${selection}#${attempt}`).sort()).toEqual([
      'broken#1',
      'flaky#1',
      'flaky#2',
      'ok1#1',
      'ok2#1',
    ]);
    // Every task of the bundle keeps the run's fields.
    expect(handled.every((entry) => entry.reuse === true)).toBe(true);
    expect(decisions).toEqual([
      { selection: 'flaky', decision: { attempt: 1, kind: 'transient', final: false } },
      { selection: 'broken', decision: { attempt: 1, kind: 'permanent', final: true } },
    ]);
    // The dead letter is the broken task alone, not its bundle.
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]!.content)).toEqual(tasks[2]);
    expect(letters[0]!.headers['x-conveyor-reason']).toBe('no data for broken');
    expect(letters[0]!.headers[ATTEMPT_HEADER]).toBe(1);
    // On the tasks exchange: the bundle, then the flaky task alone, back from the delay queue.
    expect(tap.seen).toEqual([
      { bundle: true, selections: ['ok1', 'flaky', 'broken', 'ok2'] },
      { bundle: false, selections: ['flaky'] },
    ]);
    expect(await queueDepth(ns.amqpUrl, names.tasksQueue)).toBe(0);
  });

  it('splits a redelivered bundle into single task messages, each handled once', async () => {
    const tap = await tapTaskMessages(ns.amqpUrl, ns.namespace);
    const tasks = runTasks(['r1', 'r2', 'r3']);
    await broker.publishTasks([bundleOf(tasks)]);
    // A consumer that takes the bundle and hands it back, as a worker that dies mid-bundle does.
    const connection = await amqplib.connect(ns.amqpUrl);
    const channel = await connection.createChannel();
    await channel.prefetch(1);
    const taken = await waitFor(async () => (await channel.get(names.tasksQueue)) || undefined, 'the bundle');
    channel.nack(taken, false, true);
    await channel.close();
    await connection.close();

    const handled: { selection: string; redelivered: boolean }[] = [];
    const subscription = await broker.subscribeTasks({
      prefetch: 4,
      maxAttempts: 3,
      handler: async (task, context) =>
        void handled.push({ selection: task.selection, redelivered: context.redelivered }),
    });
    await waitFor(() => (handled.length === 3 ? true : undefined), 'the three tasks');
    await waitFor(
      async () => ((await queueDepth(ns.amqpUrl, names.tasksQueue)) === 0 ? true : undefined),
      'an empty task queue',
    );
    await subscription.cancel();
    await subscription.drained();
    await tap.close();

    // Each task ran once, from a fresh single message (not the redelivered bundle).
    expect(handled.sort((a, b) => a.selection.localeCompare(b.selection))).toEqual([
      { selection: 'r1', redelivered: false },
      { selection: 'r2', redelivered: false },
      { selection: 'r3', redelivered: false },
    ]);
    expect(tap.seen).toEqual([
      { bundle: true, selections: ['r1', 'r2', 'r3'] },
      { bundle: false, selections: ['r1'] },
      { bundle: false, selections: ['r2'] },
      { bundle: false, selections: ['r3'] },
    ]);
  });

  it('publishes the tasks a draining worker did not start as single messages, and acks the bundle', async () => {
    const tap = await tapTaskMessages(ns.amqpUrl, ns.namespace);
    const started: string[] = [];
    let finish!: () => void;
    const subscription = await broker.subscribeTasks({
      concurrency: 1,
      prefetch: 1,
      maxAttempts: 3,
      handler: async (task) => {
        started.push(task.selection);
        await new Promise<void>((resolve) => (finish = resolve));
      },
    });
    await broker.publishTasks([bundleOf(runTasks(['h1', 'h2', 'h3']))]);
    await waitFor(() => (started.length === 1 ? true : undefined), 'the first task');
    await subscription.cancel();
    finish();
    await subscription.drained();
    await tap.close();

    expect(started).toEqual(['h1']);
    expect(tap.seen).toEqual([
      { bundle: true, selections: ['h1', 'h2', 'h3'] },
      { bundle: false, selections: ['h2'] },
      { bundle: false, selections: ['h3'] },
    ]);
    await waitFor(
      async () => ((await queueDepth(ns.amqpUrl, names.tasksQueue)) === 2 ? true : undefined),
      'the two tasks not started, back in the queue',
    );
    await purgeNamespace(ns.amqpUrl, ns.namespace);
  });

  it('turns a bundle the broker dead-lettered into each of its tasks, for the dead-letter watcher', async () => {
    const tasks = runTasks(['d1', 'd2']);
    const dead: { selection: string; brokerReason: string }[] = [];
    const subscription = await broker.subscribeDeadTasks({
      handler: async ({ task, brokerReason }) => void dead.push({ selection: task.selection, brokerReason }),
    });
    // As the broker dead-letters past the delivery limit: no x-conveyor-reason, its own reason.
    await broker.publishRaw('deadLetters', bundleOf(tasks), {
      routingKey: names.tasksQueue,
      headers: { 'x-first-death-reason': 'delivery_limit', 'x-delivery-count': 20 },
    });
    await waitFor(() => (dead.length === 2 ? true : undefined), 'both tasks');
    await subscription.cancel();
    await subscription.drained();

    expect(dead).toEqual([
      { selection: 'd1', brokerReason: 'delivery_limit' },
      { selection: 'd2', brokerReason: 'delivery_limit' },
    ]);
  });
});
