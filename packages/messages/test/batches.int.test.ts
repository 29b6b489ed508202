import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { Broker } from '../src/broker.js';
import { PermanentError, TransientError } from '../src/errors.js';
import type { ConveyorEvent } from '../src/events.js';
import { brokerNames } from '../src/names.js';
import { createTestBroker, createTestNamespace, queueDepth } from '../src/testing.js';
import { BATCH_ROUTING_KEY, BATCH_TYPE } from '../src/batch.js';
import { deadLettersOf, runRequested, silentLogger, taskFinished, waitFor } from './support.js';

let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;
let names: ReturnType<typeof brokerNames>;

beforeAll(async () => {
  ns = await createTestNamespace();
  broker = await createTestBroker({ amqpUrl: ns.amqpUrl, namespace: ns.namespace, logger: silentLogger });
  names = brokerNames(ns.namespace);
});

afterAll(async () => {
  await broker.close();
  await ns.cleanup();
});

/** A poller subscription whose handler keeps every event it is handed, in order. */
async function recordBatches(options: { maxBatch: number; prefetch: number }) {
  const handled: ConveyorEvent[] = [];
  const subscription = await broker.subscribeEventBatches({
    consumer: 'poller',
    ...options,
    handler: async (events) => {
      handled.push(...events);
    },
  });
  return { handled, subscription };
}

const requestedBy = (event: ConveyorEvent) => (event.type === 'run.requested' ? event.data.requestedBy : '');

describe('subscribeEventBatches', () => {
  it('keeps a batch whose handler fails transiently, retries it, then acks every message once', async () => {
    const handled: ConveyorEvent[][] = [];
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
        handled.push(events);
      },
    });
    const events = Array.from({ length: 120 }, () => runRequested(uuidv4()));
    await broker.publishEvents(events);
    await waitFor(() => (handled.flat().length >= events.length ? true : undefined), 'every event');
    await subscription.cancel();
    await subscription.drained();

    expect(failures).toBe(2);
    expect(handled.every((batch) => batch.length <= 50)).toBe(true);
    expect(
      handled
        .flat()
        .map((event) => event.id)
        .sort(),
    ).toEqual(events.map((event) => event.id).sort());
    // nothing unacked went back to the queue when the consumer closed
    expect(await queueDepth(ns.amqpUrl, names.eventsQueue('poller'))).toBe(0);
  });

  it('handles up to `concurrency` batches at once, never more, and acks every message once', async () => {
    const handled: ConveyorEvent[] = [];
    let running = 0;
    let most = 0;
    const subscription = await broker.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 10,
      prefetch: 100,
      concurrency: 2,
      handler: async (events) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        handled.push(...events);
        running--;
      },
    });
    const events = Array.from({ length: 80 }, () => runRequested(uuidv4()));
    await broker.publishEvents(events);
    await waitFor(() => (handled.length >= events.length ? true : undefined), 'every event');
    await subscription.cancel();
    await subscription.drained();

    expect(most).toBe(2);
    expect(handled.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    expect(await queueDepth(ns.amqpUrl, names.eventsQueue('poller'))).toBe(0);
  });

  it('splits a batch a permanent error fails, so that only the bad event is dead-lettered', async () => {
    const recorded: ConveyorEvent[] = [];
    const subscription = await broker.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 10,
      maxWaitMs: 50,
      prefetch: 20,
      handler: async (events) => {
        if (events.some((event) => requestedBy(event) === 'poison')) {
          throw new PermanentError('cannot record a poisoned event');
        }
        recorded.push(...events);
      },
    });
    const good = Array.from({ length: 9 }, () => runRequested(uuidv4()));
    const bad = runRequested(uuidv4(), 'poison');
    await broker.publishEvents([...good.slice(0, 4), bad, ...good.slice(4)]);
    const letters = await deadLettersOf(ns.amqpUrl, names.deadQueue(names.eventsQueue('poller')), 1);
    await waitFor(() => (recorded.length >= good.length ? true : undefined), 'the good events');
    await subscription.cancel();
    await subscription.drained();

    expect(recorded.map((event) => event.id).sort()).toEqual(good.map((event) => event.id).sort());
    expect(letters.map((letter) => JSON.parse(letter.content) as ConveyorEvent)).toEqual([bad]);
    expect(letters[0]!.headers).toMatchObject({
      'x-conveyor-reason': 'cannot record a poisoned event',
      'x-conveyor-error-kind': 'permanent',
    });
  });

  it('hands a batch that is still retrying back to the queue when the broker closes', async () => {
    const closing = await createTestBroker({
      amqpUrl: ns.amqpUrl,
      namespace: ns.namespace,
      logger: silentLogger,
      closeGraceMs: 5_000,
    });
    let calls = 0;
    await closing.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 10,
      maxWaitMs: 10,
      prefetch: 10,
      retryBaseMs: 10,
      handler: async () => {
        calls++;
        throw new TransientError('database unavailable');
      },
    });
    const events = Array.from({ length: 5 }, () => runRequested(uuidv4()));
    await broker.publishEvents(events);
    await waitFor(() => (calls >= 2 ? true : undefined), 'a retried batch');
    await closing.close();

    await waitFor(
      async () => ((await queueDepth(ns.amqpUrl, names.eventsQueue('poller'))) === 5 ? true : undefined),
      'the five events back in the queue',
    );
  });

  it('records the events of a batch message beside single envelopes, and acks every delivery', async () => {
    const { handled, subscription } = await recordBatches({ maxBatch: 500, prefetch: 100 });
    const runId = uuidv4();
    const outcomes = Array.from({ length: 40 }, (_, i) => taskFinished(runId, `w${i}`));
    const singles = [runRequested(runId)];
    await broker.publishEventBatch(outcomes);
    await broker.publishEvents(singles);
    // (The five events an earlier test handed back come too.)
    const ofRun = () => handled.filter((event) => event.runId === runId);
    await waitFor(() => (ofRun().length >= 41 ? true : undefined), 'every event');
    await subscription.cancel();
    await subscription.drained();

    expect(
      ofRun()
        .map((event) => event.id)
        .sort(),
    ).toEqual([...outcomes, ...singles].map((event) => event.id).sort());
    // Each entry is the event it was, not a copy of the batch.
    expect(handled.find((event) => event.id === outcomes[7]!.id)).toEqual(outcomes[7]);
    expect(await queueDepth(ns.amqpUrl, names.eventsQueue('poller'))).toBe(0);
  });

  it('dead-letters a malformed entry of a batch message alone, with its reason, and records the others', async () => {
    const { handled, subscription } = await recordBatches({ maxBatch: 50, prefetch: 10 });
    const runId = uuidv4();
    const good = [taskFinished(runId, 'a'), taskFinished(runId, 'b')];
    const bad = { ...taskFinished(runId, 'c'), taskId: 'not-a-uuid' };
    await broker.publishRaw(
      'events',
      { type: BATCH_TYPE, version: 1, events: [good[0], bad, good[1]] },
      { routingKey: BATCH_ROUTING_KEY },
    );
    const letters = await deadLettersOf(ns.amqpUrl, names.deadQueue(names.eventsQueue('poller')), 1);
    await waitFor(() => (handled.length >= 2 ? true : undefined), 'the good entries');
    await subscription.cancel();
    await subscription.drained();

    expect(handled).toEqual(good);
    expect(letters.map((letter) => JSON.parse(letter.content) as unknown)).toEqual([bad]);
    expect(letters[0]!.headers['x-conveyor-reason']).toBe('not an envelope: taskId: Invalid UUID');
  });

  it('dead-letters a message that is not JSON and a batch message of malformed entries only, and acks them', async () => {
    const { handled, subscription } = await recordBatches({ maxBatch: 50, prefetch: 10 });
    const runId = uuidv4();
    const bad = { ...taskFinished(runId, 'c'), taskId: 'not-a-uuid' };
    const good = runRequested(runId);
    await broker.publishRaw('events', Buffer.from('{not json'), { routingKey: 'run.requested' });
    await broker.publishRaw(
      'events',
      { type: BATCH_TYPE, version: 1, events: [bad] },
      { routingKey: BATCH_ROUTING_KEY },
    );
    await broker.publishEvent(good);
    const letters = await deadLettersOf(ns.amqpUrl, names.deadQueue(names.eventsQueue('poller')), 2);
    await waitFor(() => (handled.length >= 1 ? true : undefined), 'the good event');
    await subscription.cancel();
    await subscription.drained();

    expect(handled).toEqual([good]);
    expect(letters.map((letter) => letter.content)).toEqual(['{not json', JSON.stringify(bad)]);
    expect(await queueDepth(ns.amqpUrl, names.eventsQueue('poller'))).toBe(0);
  });

  it('dead-letters the entry of a batch message that the handler refuses, and records the others', async () => {
    const recorded: ConveyorEvent[] = [];
    const subscription = await broker.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 50,
      prefetch: 10,
      handler: async (events) => {
        if (events.some((event) => event.type === 'task.finished' && event.data.workerId === 'poison'))
          throw new PermanentError('cannot record a poisoned event');
        recorded.push(...events);
      },
    });
    const runId = uuidv4();
    const good = Array.from({ length: 5 }, (_, i) => taskFinished(runId, `w${i}`));
    const bad = taskFinished(runId, 'poison');
    await broker.publishEventBatch([...good.slice(0, 2), bad, ...good.slice(2)]);
    const letters = await deadLettersOf(ns.amqpUrl, names.deadQueue(names.eventsQueue('poller')), 1);
    await waitFor(() => (recorded.length >= good.length ? true : undefined), 'the good events');
    await subscription.cancel();
    await subscription.drained();

    expect(recorded.map((event) => event.id).sort()).toEqual(good.map((event) => event.id).sort());
    expect(letters.map((letter) => JSON.parse(letter.content) as ConveyorEvent)).toEqual([bad]);
    expect(letters[0]!.headers).toMatchObject({ 'x-conveyor-reason': 'cannot record a poisoned event' });
    expect(await queueDepth(ns.amqpUrl, names.eventsQueue('poller'))).toBe(0);
  });

  it('refuses to put an event other than a task outcome in a batch', async () => {
    await expect(broker.publishEventBatch([runRequested(uuidv4())])).rejects.toThrow(
      'run.requested does not travel in a batch (only task events do)',
    );
  });
});
