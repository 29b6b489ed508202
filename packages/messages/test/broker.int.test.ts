import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createLogger } from '@conveyor/runtime';
import { createBroker, type Broker } from '../src/broker.js';
import { createEvent } from '../src/create-event.js';
import { PermanentError, TransientError } from '../src/errors.js';
import type { ConveyorEvent } from '../src/events.js';
import { brokerNames } from '../src/names.js';
import type { TaskMessage } from '../src/task.js';
import { ATTEMPT_HEADER, type FailureDecision } from '../src/subscribe-tasks.js';
import { createTestNamespace, readDeadLetters } from '../src/testing.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;
let names: ReturnType<typeof brokerNames>;

beforeAll(async () => {
  ns = await createTestNamespace();
  broker = await createBroker({ amqpUrl: ns.amqpUrl, namespace: ns.namespace, logger });
  names = brokerNames(ns.namespace);
});

afterAll(async () => {
  await broker.close();
  await ns.cleanup();
});

const runId = uuidv4();
const requested = () =>
  createEvent('run.requested', {
    runId,
    producer: 'test',
    data: {
      window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
      chunk: 'month',
      selections: null,
      topologySource: 'synthetic:substations=1&nodes=1&seed=1',
      calculation: 'grid-load',
      requestedBy: 'test',
    },
  });

const task = (selection: string): TaskMessage => ({
  run_id: runId,
  task_id: uuidv4(),
  selection,
  start_date: '2023-01-01 00:00',
  end_date: '2023-01-31 23:59',
  topology_id: 'topo-1',
  calculation: 'grid-load',
  generation: 0,
});

async function waitFor<T>(
  read: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function deadLettersOf(queue: string, count: number) {
  const letters: Awaited<ReturnType<typeof readDeadLetters>> = [];
  return waitFor(async () => {
    letters.push(...(await readDeadLetters(ns.amqpUrl, queue)));
    return letters.length >= count ? letters : undefined;
  }, `${count} dead letters in ${queue}`);
}

describe('events', () => {
  it('round-trip through publish and subscribe; poison messages are dead-lettered with a reason and consumption goes on', async () => {
    const received: ConveyorEvent[] = [];
    const subscription = await broker.subscribeEvents({
      consumer: 'topology',
      handler: async (e) => void received.push(e),
    });
    const publishToTopology = (content: Buffer | object, routingKey = 'run.requested') =>
      broker.publishRaw('events', content, { routingKey });

    await publishToTopology(Buffer.from('{not json'));
    await publishToTopology({ ...requested(), data: { window: 'soon' } });
    await publishToTopology({ ...requested(), version: 99 });
    await publishToTopology({ ...requested(), type: 'run.exploded' }, 'run.requested');
    await publishToTopology(Buffer.alloc(1024 * 1024 + 10, 32));
    const good = requested();
    await broker.publishEvent(good);

    await waitFor(() => (received.length > 0 ? received : undefined), 'the valid event');
    expect(received.map((e) => e.id)).toEqual([good.id]);
    const letters = await deadLettersOf(names.deadQueue(names.eventsQueue('topology')), 5);
    const reasons = letters.map((l) => String(l.headers['x-conveyor-reason']));
    expect(reasons[0]).toMatch(/^not JSON/);
    expect(reasons[1]).toMatch(/^invalid run.requested: data.window/);
    expect(reasons[2]).toMatch(/^unknown version 99/);
    expect(reasons[3]).toMatch(/^unknown type run.exploded/);
    expect(reasons[4]).toMatch(/^oversized/);
    await subscription.cancel();
  });

  it('refuses to publish an invalid event', async () => {
    await expect(broker.publishEvent({ ...requested(), runId: 'nope' })).rejects.toThrow();
  });

  it('batches: a transient failure is retried until it succeeds and every event is handled', async () => {
    const batches: ConveyorEvent[][] = [];
    let failures = 0;
    const subscription = await broker.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 50,
      maxWaitMs: 20,
      prefetch: 100,
      retryBaseMs: 10,
      handler: async (events) => {
        if (failures < 2) {
          failures++;
          throw new TransientError('database unavailable');
        }
        batches.push(events);
      },
    });
    const events = Array.from({ length: 30 }, requested);
    await broker.publishEvents(events);
    const ids = new Set(events.map((e) => e.id));
    const handled = () => batches.flat().filter((e) => ids.has(e.id));
    await waitFor(() => (handled().length >= 30 ? true : undefined), 'every event');
    expect(failures).toBe(2);
    // each event handled once (the poller's queue also holds the first test's event)
    expect(
      handled()
        .map((e) => e.id)
        .sort(),
    ).toEqual([...ids].sort());
    await subscription.cancel();
    await subscription.drained();
  });
});

describe('tasks', () => {
  it('round-trip, retry a transient failure with growing delays, and succeed on attempt 3', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const decisions: FailureDecision[] = [];
    const flaky = task('flaky');
    const subscription = await broker.subscribeTasks({
      prefetch: 4,
      maxAttempts: 5,
      retryBaseMs: 100,
      handler: async (t, context) => {
        if (t.task_id !== flaky.task_id) return;
        attempts.push({ attempt: context.attempt, at: Date.now() });
        if (context.attempt < 3) throw new TransientError(`not yet (${context.attempt})`);
      },
      onFailure: async (_t, _e, decision) => void decisions.push(decision),
    });
    await broker.publishTasks([flaky]);
    await waitFor(() => (attempts.length >= 3 ? true : undefined), 'three attempts');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
    expect(decisions).toEqual([
      { attempt: 1, kind: 'transient', final: false },
      { attempt: 2, kind: 'transient', final: false },
    ]);
    await subscription.cancel();
    await subscription.drained();
  });

  it('dead-letters a task that keeps failing at the attempt limit, and a permanent failure at once', async () => {
    const decisions: { selection: string; decision: FailureDecision }[] = [];
    const subscription = await broker.subscribeTasks({
      prefetch: 4,
      maxAttempts: 3,
      retryBaseMs: 20,
      handler: async (t) => {
        if (t.selection === 'always') throw new TransientError('still down');
        throw new PermanentError('bad input');
      },
      onFailure: async (t, _e, decision) => void decisions.push({ selection: t.selection, decision }),
    });
    await broker.publishTasks([task('always'), task('broken')]);
    await broker.publishRaw('tasks', Buffer.from('["not a task"]'));
    const letters = await deadLettersOf(names.tasksDeadQueue, 3);
    const byReason = Object.fromEntries(
      letters.map((l) => [String(l.headers['x-conveyor-reason']), l.headers]),
    );
    expect(byReason['still down']?.[ATTEMPT_HEADER]).toBe(3);
    expect(byReason['still down']?.['x-conveyor-error-kind']).toBe('transient');
    expect(byReason['bad input']?.[ATTEMPT_HEADER]).toBe(1);
    expect(byReason['bad input']?.['x-conveyor-error-kind']).toBe('permanent');
    expect(Object.keys(byReason).some((reason) => reason.startsWith('invalid task'))).toBe(true);
    expect(decisions.filter((d) => d.selection === 'always').map((d) => d.decision.final)).toEqual([
      false,
      false,
      true,
    ]);
    expect(decisions.filter((d) => d.selection === 'broken').map((d) => d.decision)).toEqual([
      { attempt: 1, kind: 'permanent', final: true },
    ]);
    await subscription.cancel();
    await subscription.drained();
  });
});
