import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { recordEvents } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import { createEvent, type ConveyorEvent } from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import { republishCancellations } from '../src/handlers/cancellation.js';
import { handleEventBatch } from '../src/handlers/event-batch.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const cancelRequested = (runId: string) =>
  createEvent('run.cancel-requested', { runId, producer: 'gateway', data: { requestedBy: 'alice' } });

/** What the poller publishes (the broker's side is covered by the messages package). */
function outbox() {
  const published: ConveyorEvent[] = [];
  const deps = {
    db: database.db,
    logger,
    publishEvents: async (events: ConveyorEvent[]) => void published.push(...events),
    onCompleted: () => undefined,
    markChanged: () => undefined,
    onRecorded: () => undefined,
  };
  return { deps, published };
}

describe('cancellation follows from the projection', () => {
  it('publishes run.cancelled for a redelivered cancel request that an earlier attempt recorded', async () => {
    const runId = uuidv4();
    const request = cancelRequested(runId);
    // An earlier poller committed the batch, then died before publishing run.cancelled.
    await recordEvents(database.db, [request]);
    const { deps, published } = outbox();
    await handleEventBatch([request], deps);
    expect(published.filter((event) => event.type === 'run.cancelled').map((event) => event.runId)).toEqual([
      runId,
    ]);
  });

  it('the safety net publishes run.cancelled for a recorded cancellation without one, and only then', async () => {
    const runId = uuidv4();
    await recordEvents(database.db, [cancelRequested(runId)]);
    const first = outbox();
    await republishCancellations(first.deps);
    const cancelled = first.published.filter((event) => event.runId === runId);
    expect(cancelled.map((event) => [event.type, event.data])).toEqual([
      ['run.cancelled', { requestedBy: 'alice' }],
    ]);

    await recordEvents(database.db, cancelled);
    const second = outbox();
    await republishCancellations(second.deps);
    expect(second.published.filter((event) => event.runId === runId)).toEqual([]);
  });
});
