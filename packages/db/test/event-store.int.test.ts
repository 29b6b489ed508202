import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../src/testing.js';
import { migrate } from '../src/migrate.js';
import { recordEvents } from '../src/projections/record-events.js';
import { rebuildProjections } from '../src/projections/rebuild.js';
import { runHistory, type TaskFate } from './history.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function rows(query: ReturnType<typeof sql>) {
  const [result] = (await database.db.execute(query)) as unknown as [Record<string, unknown>[]];
  return result;
}

const projections = async () => ({
  runs: await rows(sql`SELECT * FROM runs ORDER BY id`),
  tasks:
    await rows(sql`SELECT run_id, task_id, selection, start_date, end_date, task_status, status_key, generation, attempt, worker_id,
      queued_at, queued_key, started_at, started_key, finished_at, duration_ms, error, summary, last_heartbeat_at
    FROM run_process ORDER BY task_id`),
});

async function clear() {
  await database.db.execute(sql`DELETE FROM run_events`);
  await database.db.execute(sql`DELETE FROM runs`);
  await database.db.execute(sql`DELETE FROM run_process`);
}

describe('migrations', () => {
  it('create every table, and a second run changes nothing', async () => {
    const tables = await rows(
      sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['run_events', 'run_process', 'runs', 'task_results', 'topologies']),
    );
    const schemaBefore = await rows(
      sql`SELECT table_name, column_name, column_type FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY 1, 2`,
    );
    const applied = await rows(sql`SELECT COUNT(*) AS n FROM __drizzle_migrations`);
    await migrate(database.url);
    expect(
      await rows(
        sql`SELECT table_name, column_name, column_type FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY 1, 2`,
      ),
    ).toEqual(schemaBefore);
    expect(await rows(sql`SELECT COUNT(*) AS n FROM __drizzle_migrations`)).toEqual(applied);
  });
});

describe('event store', () => {
  beforeEach(clear);

  it('stores an event appended twice once', async () => {
    const events = runHistory(['finished', 'finished']);
    const first = await recordEvents(database.db, events);
    const second = await recordEvents(database.db, [...events, ...events]);
    expect(first.inserted).toHaveLength(events.length);
    expect(second.inserted).toHaveLength(0);
    expect(await rows(sql`SELECT COUNT(*) AS n FROM run_events`)).toEqual([{ n: events.length }]);
  });

  it('projects a run with a retry generation', async () => {
    const events = runHistory(['finished', 'retried-then-finished', 'failed-then-retried', 'cancelled']);
    await recordEvents(database.db, events);
    const { runs, tasks } = await projections();
    expect(runs).toMatchObject([
      { status: 'SUCCEEDED', generation: 1, task_count: 4, planned_count: 1, completed_generation: 1 },
    ]);
    expect(tasks.map((t) => [t.start_date, t.task_status, t.attempt, t.generation])).toEqual(
      expect.arrayContaining([
        ['2023-01-01 00:00', 'FINISHED', 1, 0],
        ['2023-01-02 00:00', 'FINISHED', 2, 0],
        ['2023-01-03 00:00', 'FINISHED', 1, 1],
        ['2023-01-04 00:00', 'CANCELLED', 0, 0],
      ]),
    );
  });
});

describe('projections', () => {
  const fate = fc.constantFrom<TaskFate>(
    'finished',
    'retried-then-finished',
    'failed',
    'cancelled',
    'failed-then-retried',
  );

  it('are the same for any interleaving of the events, with duplicates, in any batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fate, { minLength: 1, maxLength: 6 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 1_000_000 })),
        fc.integer({ min: 1, max: 12 }),
        async (fates, randoms, batchSize) => {
          const events = runHistory(fates);
          await clear();
          await recordEvents(database.db, events);
          const expected = await projections();

          const shuffled = [...events, ...events.filter((_, i) => i % 3 === 0)]
            .map((event) => ({ event, key: randoms.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map((e) => e.event);
          await clear();
          for (let i = 0; i < shuffled.length; i += batchSize)
            await recordEvents(database.db, shuffled.slice(i, i + batchSize));
          expect(await projections()).toEqual(expected);
        },
      ),
      { numRuns: 30 },
    );
  }, 180_000);

  it('rebuild reproduces them exactly', async () => {
    await clear();
    for (const fates of [
      ['finished', 'failed'],
      ['retried-then-finished', 'failed-then-retried', 'cancelled'],
    ] as TaskFate[][]) {
      await recordEvents(database.db, runHistory(fates));
    }
    const before = await projections();
    const ids = await rows(sql`SELECT task_id, id FROM run_process ORDER BY id`);
    expect(await rebuildProjections(database.db, { batchSize: 3 })).toBeGreaterThan(10);
    expect(await projections()).toEqual(before);
    expect((await rows(sql`SELECT task_id FROM run_process ORDER BY id`)).map((r) => r.task_id)).toEqual(
      ids.map((r) => r.task_id),
    );
  });
});
