import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createTestDatabase } from '@conveyor/db/testing';
import { brokerNames, createEvent, type Broker } from '@conveyor/messages';
import { createTestBroker, createTestNamespace, readDeadLetters } from '@conveyor/messages/testing';
import { createLogger } from '@conveyor/runtime';
import { waitFor } from '@conveyor/runtime/testing';
import { handleEventBatch } from '../src/handlers/event-batch.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;

beforeAll(async () => {
  database = await createTestDatabase();
  ns = await createTestNamespace();
  broker = await createTestBroker({ amqpUrl: ns.amqpUrl, namespace: ns.namespace, logger });
});
afterAll(async () => {
  await broker.close();
  await ns.cleanup();
  await database.close();
});

const cancelRequested = (runId: string) =>
  createEvent('run.cancel-requested', { runId, producer: 'gateway', data: { requestedBy: 'someone' } });

/** Valid by schema (taskCount is any non-negative integer), but runs.task_count is an INT: out of range. */
const unstorable = (runId: string) =>
  createEvent('run.planned', {
    runId,
    producer: 'leader',
    data: { topologyId: 'topology-1', taskCount: 3_000_000_000, generation: 0 },
  });

/**
 * Task events are bounded to their columns by schema, so none is unstorable as such: this file's own
 * database narrows `run_process.attempt` to a TINYINT (max 127), which makes this valid one out of range.
 */
const unstorableTaskEvent = (runId: string) =>
  createEvent('task.started', {
    runId,
    taskId: uuidv4(),
    producer: 'worker',
    data: { attempt: 500, workerId: 'w-1', startedAt: new Date().toISOString(), generation: 0 },
  });

const cancelledTask = (runId: string) =>
  createEvent('task.cancelled', {
    runId,
    taskId: uuidv4(),
    producer: 'worker',
    data: { workerId: 'w-1', generation: 0 },
  });

/** The poller's handler, over this file's database and broker. */
const recordBatch = (events: Parameters<typeof handleEventBatch>[0]) =>
  handleEventBatch(events, {
    db: database.db,
    publishEvents: broker.publishEvents,
    logger,
    onCompleted: () => undefined,
    markChanged: () => undefined,
    onRecorded: () => undefined,
  });

describe('the poller and an event the database cannot store', () => {
  it('dead-letters that event with the SQL error and records the rest of its batch', async () => {
    const names = brokerNames(ns.namespace);
    const subscription = await broker.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 50,
      maxWaitMs: 200, // long enough for the three events to share one batch
      prefetch: 100,
      retryBaseMs: 10,
      handler: recordBatch,
    });
    const [before, after] = [uuidv4(), uuidv4()];
    const bad = unstorable(uuidv4());
    await broker.publishEvents([cancelRequested(before), bad, cancelRequested(after)]);

    const letters = await waitFor(
      async () => {
        const read = await readDeadLetters(ns.amqpUrl, names.deadQueue(names.eventsQueue('poller')));
        return read.length > 0 ? read : undefined;
      },
      'the dead letter',
      30_000,
    );
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]!.content)).toMatchObject({ id: bad.id });
    expect(String(letters[0]!.headers['x-conveyor-reason'])).toMatch(
      /^the database refused the event: ER_WARN_DATA_OUT_OF_RANGE \(1264\): Out of range value for column 'task_count'/,
    );
    const recorded = await waitFor(
      async () => {
        const [rows] = (await database.pool.query(
          "SELECT run_id FROM run_events WHERE type = 'run.cancel-requested' ORDER BY run_id",
        )) as unknown as [{ run_id: string }[]];
        return rows.length === 2 ? rows.map((row) => row.run_id) : undefined;
      },
      'both good events',
      30_000,
    );
    expect(recorded).toEqual([before, after].sort());
    const [stored] = (await database.pool.query('SELECT COUNT(*) AS n FROM run_events WHERE event_id = ?', [
      bad.id,
    ])) as unknown as [{ n: number }[]];
    expect(Number(stored[0]!.n)).toBe(0);
    await subscription.cancel();
    await subscription.drained();
  });

  it('dead-letters that entry of a batch message alone, with the SQL error, and records its other entries', async () => {
    const names = brokerNames(ns.namespace);
    const subscription = await broker.subscribeEventBatches({
      consumer: 'poller',
      maxBatch: 50,
      prefetch: 100,
      retryBaseMs: 10,
      handler: recordBatch,
    });
    await database.pool.query('ALTER TABLE run_process MODIFY attempt TINYINT NOT NULL DEFAULT 0');
    const runId = uuidv4();
    const good = [cancelledTask(runId), cancelledTask(runId)];
    const bad = unstorableTaskEvent(runId);
    await broker.publishEventBatch([good[0]!, bad, good[1]!]);

    const letters = await waitFor(
      async () => {
        const read = await readDeadLetters(ns.amqpUrl, names.deadQueue(names.eventsQueue('poller')));
        return read.length > 0 ? read : undefined;
      },
      'the dead letter',
      30_000,
    );
    expect(letters).toHaveLength(1);
    // The entry alone, as the envelope it is: not the batch message holding it.
    expect(JSON.parse(letters[0]!.content)).toEqual(bad);
    expect(String(letters[0]!.headers['x-conveyor-reason'])).toMatch(
      /^the database refused the event: ER_WARN_DATA_OUT_OF_RANGE \(1264\)/,
    );
    const recorded = await waitFor(
      async () => {
        const [rows] = (await database.pool.query(
          "SELECT task_id FROM run_process WHERE run_id = ? AND task_status = 'CANCELLED' ORDER BY task_id",
          [runId],
        )) as unknown as [{ task_id: string }[]];
        return rows.length === 2 ? rows.map((row) => row.task_id) : undefined;
      },
      'both good entries',
      30_000,
    );
    expect(recorded).toEqual(good.map((event) => event.taskId).sort());
    await subscription.cancel();
    await subscription.drained();
  });
});
