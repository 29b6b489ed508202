import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import type { Broker } from '../src/broker.js';
import amqplib from 'amqplib';
import { TransientError } from '../src/errors.js';
import type { ConveyorEvent } from '../src/events.js';
import { brokerNames } from '../src/names.js';
import { createEvent } from '../src/create-event.js';
import { createNotification } from '../src/create-notification.js';
import type { ConveyorNotification } from '../src/notifications.js';
import {
  createEventTap,
  createTestBroker,
  createTestNamespace,
  deleteNamespace,
  queueDepth,
} from '../src/testing.js';
import { deadLettersOf, runRequested, silentLogger, taskFinished, taskMessage, waitFor } from './support.js';

let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;
let names: ReturnType<typeof brokerNames>;
const runId = uuidv4();
const gatewayReplicaId = `r${uuidv4().slice(0, 6)}`;

beforeAll(async () => {
  ns = await createTestNamespace();
  broker = await createTestBroker({ amqpUrl: ns.amqpUrl, namespace: ns.namespace, logger: silentLogger });
  names = brokerNames(ns.namespace);
});

afterAll(async () => {
  await broker.close();
  await deleteNamespace(ns.amqpUrl, ns.namespace, { gatewayReplicaIds: [gatewayReplicaId] });
});

describe('subscribeEvents', () => {
  it('round-trips an event; poison messages are dead-lettered with a reason and consumption goes on', async () => {
    const received: ConveyorEvent[] = [];
    const subscription = await broker.subscribeEvents({
      consumer: 'topology',
      handler: async (event) => void received.push(event),
    });
    const publishToTopology = (content: Buffer | object, routingKey = 'run.requested') =>
      broker.publishRaw('events', content, { routingKey });

    await publishToTopology(Buffer.from('{not json'));
    await publishToTopology({ ...runRequested(runId), data: { window: 'soon' } });
    await publishToTopology({ ...runRequested(runId), version: 99 });
    await publishToTopology({ ...runRequested(runId), type: 'run.exploded' });
    await publishToTopology(Buffer.alloc(1024 * 1024 + 10, 32));
    const good = runRequested(runId);
    await broker.publishEvent(good);

    await waitFor(() => (received.length > 0 ? received : undefined), 'the valid event');
    expect(received).toEqual([good]);
    const letters = await deadLettersOf(ns.amqpUrl, names.deadQueue(names.eventsQueue('topology')), 5);
    const reasons = letters.map((letter) => String(letter.headers['x-conveyor-reason']));
    expect(reasons[0]).toMatch(/^not JSON/);
    expect(reasons[1]).toMatch(/^invalid run.requested: data.window/);
    expect(reasons[2]).toMatch(/^unknown version 99/);
    expect(reasons[3]).toMatch(/^unknown type run.exploded/);
    expect(reasons[4]).toMatch(/^oversized/);
    expect(
      letters.every((letter) => letter.headers['x-conveyor-queue'] === names.eventsQueue('topology')),
    ).toBe(true);
    await subscription.cancel();
    await subscription.drained();
  });

  it('retries a transient failure in process with the attempt in the context, then acks', async () => {
    const attempts: number[] = [];
    const event = runRequested(runId);
    const subscription = await broker.subscribeEvents({
      consumer: 'topology',
      retryBaseMs: 10,
      handler: async (received, context) => {
        if (received.id !== event.id) return;
        attempts.push(context.attempt);
        if (context.attempt < 3) throw new TransientError('database unavailable');
      },
    });
    await broker.publishEvent(event);
    await waitFor(() => (attempts.length >= 3 ? true : undefined), 'three attempts');
    await subscription.cancel();
    await subscription.drained();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await queueDepth(ns.amqpUrl, names.eventsQueue('topology'))).toBe(0);
  });
});

describe('publishing', () => {
  it('validates every outgoing message and publishes nothing of a batch that holds an invalid one', async () => {
    const queue = names.eventsQueue('leader'); // no consumer in this file: messages stay there
    const before = await queueDepth(ns.amqpUrl, queue);
    const built = (id: string) => ({
      id,
      type: 'topology.built' as const,
      version: 1 as const,
      occurredAt: new Date().toISOString(),
      producer: 'test',
      runId,
      data: {
        topologyId: 't',
        contentHash: 'h',
        selections: ['s'],
        nodeCount: 1,
        buildMs: 1,
        request: {
          window: { start: '2024-01-01 00:00', end: '2024-01-31 23:59' },
          chunk: 'month' as const,
          selections: null,
          calculation: 'grid-load',
        },
      },
    });

    await expect(broker.publishEvent({ ...runRequested(runId), runId: 'nope' })).rejects.toThrow(/runId/);
    await expect(
      broker.publishEvents([built(uuidv4()), { ...built(uuidv4()), data: { topologyId: '' } } as never]),
    ).rejects.toThrow();
    await expect(
      broker.publishTasks([taskMessage(runId, 'a'), { ...taskMessage(runId, 'b'), generation: -1 }]),
    ).rejects.toThrow(/generation/);
    await broker.publishEvents([built(uuidv4())]);

    await waitFor(
      async () => ((await queueDepth(ns.amqpUrl, queue)) === before + 1 ? true : undefined),
      'the one valid event',
    );
    expect(await queueDepth(ns.amqpUrl, names.tasksQueue)).toBe(0);
  });
});

describe('subscribeFeed', () => {
  it("delivers events and notifications to a gateway replica's own queue", async () => {
    const gateway = await createTestBroker({
      amqpUrl: ns.amqpUrl,
      namespace: ns.namespace,
      logger: silentLogger,
      gatewayReplicaId,
    });
    const received: (ConveyorEvent | ConveyorNotification)[] = [];
    await gateway.subscribeFeed({
      subscription: 'gateway',
      handler: async (message) => void received.push(message),
    });
    const event = runRequested(runId);
    const progress = createNotification('run.progress', {
      runId,
      producer: 'test',
      data: {
        status: 'RUNNING',
        counts: { total: 2, queued: 1, started: 0, finished: 1, failed: 0, cancelled: 0 },
        percent: 50,
        tasksPerSecond: 1,
        etaSeconds: 1,
        stalledTaskIds: [],
      },
    });
    const outcomes = [taskFinished(runId, 'w1'), taskFinished(runId, 'w2')];
    await broker.publishEvent(event);
    await broker.publishNotification(progress);
    await waitFor(() => (received.length >= 2 ? true : undefined), 'the event and the notification');
    // A batch message reaches the replica too, as the events it holds.
    await broker.publishEventBatch(outcomes);
    await waitFor(() => (received.length >= 4 ? true : undefined), 'the events of a batch');
    await gateway.close();

    expect(received).toEqual([event, progress, ...outcomes]);
  });

  it('hands only the events of the runs it follows, and validates no other', async () => {
    const logger = silentLogger.child({});
    const warn = vi.spyOn(logger, 'warn');
    const gateway = await createTestBroker({
      amqpUrl: ns.amqpUrl,
      namespace: ns.namespace,
      logger,
      gatewayReplicaId: `r${uuidv4().slice(0, 6)}`,
    });
    const followed = uuidv4();
    const other = uuidv4();
    const received: (ConveyorEvent | ConveyorNotification)[] = [];
    let asked = 0;
    await gateway.subscribeFeed({
      subscription: 'gateway',
      handler: async (message) => void received.push(message),
      follows: (id) => {
        asked++;
        return id === followed;
      },
    });
    const mine = [taskFinished(followed, 'w1'), taskFinished(followed, 'w2')];
    // An envelope that fails validation: of another run it is not validated, so not even refused;
    // of the followed run it is, and dropped with a warning.
    const malformed = (id: string) =>
      Buffer.from(JSON.stringify({ ...taskFinished(id, 'w3'), data: { attempt: 'not a number' } }));
    await broker.publishEventBatch([mine[0]!, taskFinished(other, 'w3'), mine[1]!]);
    await broker.publishEvent(runRequested(other));
    await broker.publishRaw('events', malformed(other), { routingKey: 'task.finished' });
    await broker.publishRaw('events', malformed(followed), { routingKey: 'task.finished' });
    const last = runRequested(followed);
    await broker.publishEvent(last);
    await waitFor(() => (received.length >= 3 ? true : undefined), "the followed run's events");
    await gateway.close();

    expect(received.map((message) => message.id)).toEqual([...mine.map((e) => e.id), last.id]);
    expect(asked).toBe(7);
    const dropped = warn.mock.calls.filter((call) => call[1] === 'feed message dropped');
    expect(dropped).toHaveLength(1);
  });
});

describe('publishing the broker refuses', () => {
  it('retries a publish the broker nacks until it is confirmed, and rejects it as transient after the timeout', async () => {
    // A full queue that rejects publishes makes the broker nack every run.cancel-requested.
    const connection = await amqplib.connect(ns.amqpUrl);
    const channel = await connection.createChannel();
    const full = `${ns.namespace}.full`;
    await channel.assertQueue(full, { arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' } });
    await channel.bindQueue(full, names.eventsExchange, 'run.cancel-requested');
    const impatient = await createTestBroker({
      amqpUrl: ns.amqpUrl,
      namespace: ns.namespace,
      logger: silentLogger,
      publishTimeoutMs: 500,
    });
    const cancel = (requestedBy: string) =>
      createEvent('run.cancel-requested', { runId, producer: 'test', data: { requestedBy } });

    try {
      const refused = impatient.publishEvent(cancel('refused'));
      await expect(refused).rejects.toThrow(TransientError);
      await expect(refused).rejects.toThrow(/not confirmed/);
      expect(impatient.health().outstanding).toBe(0);

      let confirmed = false;
      const retried = broker.publishEvent(cancel('retried')).then(() => (confirmed = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(confirmed).toBe(false);
      await channel.deleteQueue(full);
      await retried;
      expect(confirmed).toBe(true);
    } finally {
      await impatient.close();
      await channel.deleteQueue(full); // again, should an assertion have failed before
      await connection.close();
    }
  });
});

describe('createEventTap', () => {
  it('counts every copy published, where the event store keeps one per id', async () => {
    const tap = await createEventTap(ns.amqpUrl, ns.namespace, ['run.cancel-requested']);
    try {
      const tapped = uuidv4();
      const event = createEvent('run.cancel-requested', {
        runId: tapped,
        producer: 'test',
        data: { requestedBy: 'test' },
      });
      await broker.publishEvents([event, event, runRequested(tapped)]);
      const copies = await waitFor(async () => {
        const n = await tap.count('run.cancel-requested', tapped);
        return n >= 2 ? n : undefined;
      }, 'both copies on the tap');
      expect(copies).toBe(2);
      // Only what it is bound to: run.requested went elsewhere.
      expect(await tap.count('run.requested')).toBe(0);
      expect((await tap.read()).map((e) => e.id)).toEqual([event.id, event.id]);
    } finally {
      await tap.close();
    }
  });
});
