import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { claimCompletion, runs } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import type { ConveyorEvent } from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import { republishCompletions } from '../src/handlers/completion.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('republishCompletions (the safety net)', () => {
  it('publishes a claim left unpublished for a whole poll, once, and not one still being published', async () => {
    const published: ConveyorEvent[] = [];
    const deps = {
      db: database.db,
      logger,
      publishEvents: async (events: ConveyorEvent[]) => void published.push(...events),
      onCompleted: () => undefined,
    };
    const runId = uuidv4();
    await database.db.insert(runs).values({ id: runId, status: 'RUNNING', statusKey: '', taskCount: 0 });
    // A poller claimed the completion; its publish is not confirmed yet (or it died).
    expect(await claimCompletion(database.db, { runId, generation: 0 })).toBe(true);
    const seen = new Set<string>();

    await republishCompletions(deps, seen); // the claimer may still be publishing it: wait a poll
    expect(published).toEqual([]);
    await republishCompletions(deps, seen); // still unpublished a poll later: the claimer is gone
    expect(published.map((event) => [event.type, event.runId])).toEqual([['run.completed', runId]]);
    await republishCompletions(deps, seen);
    expect(published).toHaveLength(1);
  });
});
