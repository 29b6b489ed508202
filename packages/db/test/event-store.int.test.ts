import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError, type ConveyorEvent } from '@conveyor/messages';
import { createTestDatabase } from '../src/testing.js';
import { migrate } from '../src/migrate.js';
import { appendEvents, recordEvents } from '../src/projections/record-events.js';
import { rebuildProjections } from '../src/projections/rebuild.js';
import { runHistory, type HistoryOptions, type TaskFate } from './history.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function rows(query: SQL) {
  const [result] = (await database.db.execute(query)) as unknown as [Record<string, unknown>[]];
  return result;
}

/**
 * Every column of both projections; `run_process.id` only when asked (it follows arrival order).
 * Checks first that each run's task counts are those of its rows, and that every run with task rows
 * has a run row.
 */
const projections = async (options: { ids?: boolean } = {}) => {
  const counted = sql`SELECT id AS run_id, queued_count AS queued, started_count AS started,
    finished_count AS finished, failed_count AS failed, cancelled_count AS cancelled FROM runs`;
  const actual = await rows(sql`SELECT * FROM (${counted}) c
    WHERE queued + started + finished + failed + cancelled > 0 ORDER BY run_id`);
  const expected = await rows(sql`SELECT run_id,
      SUM(task_status = 'QUEUED') AS queued, SUM(task_status = 'STARTED') AS started,
      SUM(task_status = 'FINISHED') AS finished, SUM(task_status = 'FAILED') AS failed,
      SUM(task_status = 'CANCELLED') AS cancelled
    FROM run_process GROUP BY run_id ORDER BY run_id`);
  const numbers = (list: Record<string, unknown>[]) =>
    list.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === 'run_id' ? v : Number(v)])),
    );
  expect(numbers(actual)).toEqual(numbers(expected));
  return {
    runs: await rows(sql`SELECT * FROM runs ORDER BY id`),
    tasks: (await rows(sql`SELECT * FROM run_process ORDER BY task_id`)).map(({ id, ...row }) =>
      options.ids ? { id, ...row } : row,
    ),
  };
};

async function clear() {
  for (const table of ['run_events', 'runs', 'run_process'])
    await database.db.execute(sql.raw(`DELETE FROM ${table}`));
}

/** Empties the tables and restarts `run_process.id`, as on a new database. */
async function truncate() {
  for (const table of ['run_events', 'runs', 'run_process'])
    await database.db.execute(sql.raw(`TRUNCATE TABLE ${table}`));
}

const schemaOf = () =>
  rows(sql`SELECT table_name, column_name, column_type, is_nullable, column_default, column_key
    FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY 1, 2`);

describe('migrate', () => {
  it('creates the database and every table, and a second run applies nothing', async () => {
    const url = new URL(database.url);
    url.pathname = `/${database.name}_m`;
    try {
      const first = await migrate(url.toString());
      expect(first.applied).toEqual([
        '0000_init',
        '0001_run_reason_and_topology_keys',
        '0002_drop_row_task_results',
        '0003_task_result_partitions',
        '0004_run_process_run_finished',
        '0005_run_process_calculation_version',
        '0006_topology_source_key',
        '0007_topology_source_key_index',
        '0008_reuse_columns',
        '0009_task_results_reuse_index',
        '0010_task_results_writes',
        '0011_run_task_counts',
      ]);
      const second = await migrate(url.toString());
      expect(second).toEqual({ database: `${database.name}_m`, applied: [] });
    } finally {
      await database.db.execute(sql.raw(`DROP DATABASE IF EXISTS \`${database.name}_m\``));
    }
  });

  it('0011 gives the runs recorded before it their task counts, and a run row to task rows without one', async () => {
    await truncate();
    await recordEvents(database.db, [
      ...runHistory(['finished', 'failed', 'cancelled', 'retried-then-finished']),
      ...runHistory(['finished', 'failed-then-retried']),
    ]);
    // As recorded before 0011: no counts; and a run known only by its task rows (out of order).
    await database.db.execute(sql`UPDATE runs SET queued_count = 0, started_count = 0, finished_count = 0,
      failed_count = 0, cancelled_count = 0`);
    const [orphan] = await rows(sql`SELECT id FROM runs ORDER BY id LIMIT 1`);
    await database.db.execute(sql`DELETE FROM runs WHERE id = ${orphan!.id}`);

    const migration = await readFile(new URL('../drizzle/0011_run_task_counts.sql', import.meta.url), 'utf8');
    const backfill = migration.split('--> statement-breakpoint').filter((s) => !s.includes('ALTER TABLE'));
    expect(backfill).toHaveLength(2);
    for (const statement of backfill) await database.db.execute(sql.raw(statement));
    await projections(); // checks every run's counts against its task rows
  });

  it('leaves a migrated database unchanged when run again, even twice at once', async () => {
    const tables = await rows(
      sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['run_events', 'run_process', 'runs', 'task_results', 'topologies']),
    );
    const before = await schemaOf();
    const applied = await rows(sql`SELECT id, hash, created_at FROM __drizzle_migrations ORDER BY id`);
    const again = await Promise.all([migrate(database.url), migrate(database.url)]);
    expect(again.map((r) => r.applied)).toEqual([[], []]);
    expect(await schemaOf()).toEqual(before);
    expect(await rows(sql`SELECT id, hash, created_at FROM __drizzle_migrations ORDER BY id`)).toEqual(
      applied,
    );
  });
});

describe('event store', () => {
  beforeEach(clear);

  it('stores an event appended twice once', async () => {
    const events = runHistory(['finished', 'finished']);
    const first = await recordEvents(database.db, events);
    const second = await recordEvents(database.db, [...events, ...events]);
    expect(first.inserted.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(first.affectedRunIds).toEqual([events[0]!.runId]);
    expect(second).toEqual({ inserted: [], affectedRunIds: [] });
    expect(await rows(sql`SELECT COUNT(*) AS n FROM run_events`)).toEqual([{ n: events.length }]);
  });

  it('appendEvents reports only the events it did not hold, inside the caller transaction', async () => {
    const events = runHistory(['finished']);
    await database.db.transaction((tx) => appendEvents(tx, events.slice(0, 3)));
    const { inserted } = await database.db.transaction((tx) => appendEvents(tx, [...events, events[0]!]));
    expect(inserted.map((e) => e.id)).toEqual(events.slice(3).map((e) => e.id));
    const stored = await rows(
      sql`SELECT event_id, type, run_id, task_id, data FROM run_events ORDER BY position`,
    );
    expect(stored.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
    expect(stored[0]).toMatchObject({ type: 'run.requested', run_id: events[0]!.runId, task_id: null });
  });

  it('projects a run with a retry generation', async () => {
    const events = runHistory(['finished', 'retried-then-finished', 'failed-then-retried', 'cancelled']);
    await recordEvents(database.db, events);
    const { runs, tasks } = await projections();
    expect(runs).toMatchObject([
      {
        status: 'SUCCEEDED',
        generation: 1,
        task_count: 4,
        planned_count: 1,
        completed_generation: 1,
        completion_published: 1,
        topology_id: 'topo-1',
        reason: null,
      },
    ]);
    const byDate = Object.fromEntries(tasks.map((t) => [t.start_date, t]));
    expect(byDate['2023-01-01 00:00']).toMatchObject({ task_status: 'FINISHED', attempt: 1, generation: 0 });
    expect(byDate['2023-01-02 00:00']).toMatchObject({
      task_status: 'FINISHED',
      attempt: 2,
      generation: 0,
      error: null,
      duration_ms: 7,
    });
    expect(byDate['2023-01-03 00:00']).toMatchObject({ task_status: 'FINISHED', attempt: 1, generation: 1 });
    expect(byDate['2023-01-04 00:00']).toMatchObject({ task_status: 'CANCELLED', attempt: 0, generation: 0 });
  });

  it('gives a run that failed before planning the reason of its failure', async () => {
    const topology = runHistory([], { failBeforePlan: 'topology' });
    const plan = runHistory([], { failBeforePlan: 'plan' });
    await recordEvents(database.db, [...topology, ...plan]);
    const { runs } = await projections();
    expect(runs.map((r) => [r.id, r.status, r.reason, r.planned_count])).toEqual(
      expect.arrayContaining([
        [topology[0]!.runId, 'FAILED', 'node n7: feeds itself', null],
        [plan[0]!.runId, 'FAILED', 'unknown selections: 9', null],
      ]),
    );
  });
});

describe('projections', () => {
  const fate = fc.constantFrom<TaskFate>(
    'finished',
    'reused',
    'retried-then-finished',
    'failed',
    'cancelled',
    'failed-then-retried',
  );
  const run = fc.record({
    fates: fc.array(fate, { minLength: 1, maxLength: 5 }),
    options: fc.constantFrom<HistoryOptions>(
      {},
      {},
      { cancel: true },
      { failBeforePlan: 'topology' },
      { failBeforePlan: 'plan' },
    ),
  });

  it('are the same for any interleaving of the events, with duplicates, in any batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(run, { minLength: 1, maxLength: 2 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 1_000_000 })),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
        async (runs, randoms, batchSizes) => {
          const events = runs.flatMap((r) => runHistory(r.fates, r.options));
          await clear();
          await recordEvents(database.db, events);
          const expected = await projections();

          // Every event, a third of them again, in a random order and random batches.
          const shuffled = [...events, ...events.filter((_, i) => i % 3 === 0)]
            .map((event) => ({ event, key: randoms.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map((e) => e.event);
          await clear();
          for (let i = 0, b = 0; i < shuffled.length; b++) {
            const size = batchSizes[b % batchSizes.length]!;
            await recordEvents(database.db, shuffled.slice(i, i + size));
            i += size;
          }
          expect(await projections()).toEqual(expected);
        },
      ),
      { numRuns: 30 },
    );
  }, 180_000); // ms: 30 runs, each recording its histories twice, on a loaded 2-core machine

  it('are the same, with the same run_events, for a batch recorded at once and its events one by one', async () => {
    const events = [
      ...runHistory(['finished', 'reused', 'retried-then-finished', 'failed-then-retried', 'cancelled']),
      ...runHistory(['finished', 'failed-then-retried', 'cancelled'], { cancel: true }),
    ];
    // The event store without its positions and recording times, which follow the arrival.
    const stored = () =>
      rows(sql`SELECT event_id, type, version, run_id, task_id, producer, occurred_at, data
        FROM run_events ORDER BY event_id`);
    await truncate();
    await recordEvents(database.db, events);
    const atOnce = { ...(await projections({ ids: true })), events: await stored() };
    expect(atOnce.events).toHaveLength(events.length);

    await truncate();
    for (const event of events) await recordEvents(database.db, [event]);
    expect({ ...(await projections({ ids: true })), events: await stored() }).toEqual(atOnce);

    // Backwards, each outcome reaches a row its later generation already holds.
    await clear();
    for (const event of [...events].reverse()) await recordEvents(database.db, [event]);
    // (Row ids follow the arrival: not compared.)
    const withoutIds = atOnce.tasks.map(({ id: _id, ...row }) => row);
    expect({ ...(await projections()), events: await stored() }).toEqual({
      runs: atOnce.runs,
      tasks: withoutIds,
      events: atOnce.events,
    });
  });

  it('are the same when a start of an older generation comes after the row moved on', async () => {
    // A retried task that finished in its new generation without a task.started (a short task), and
    // its old generation's start coming last: the start does not belong to the row's generation.
    const retried = runHistory(['failed-then-retried', 'finished']).filter(
      (e) => !(e.type === 'task.started' && e.data.generation === 1),
    );
    const lateStart = new Set<ConveyorEvent>(retried.filter((e) => e.type === 'task.started'));
    await clear();
    await recordEvents(database.db, retried);
    const expected = await projections();
    await clear();
    for (const event of [...retried.filter((e) => !lateStart.has(e)), ...lateStart])
      await recordEvents(database.db, [event]);
    expect(await projections()).toEqual(expected);
    expect(expected.tasks.map((task) => task.started_at === null)).toContain(true);
  });

  it('rebuild reproduces them exactly, row ids included', async () => {
    await truncate();
    const histories: ConveyorEvent[][] = [
      runHistory(['finished', 'failed', 'reused']),
      runHistory(['retried-then-finished', 'failed-then-retried', 'cancelled', 'finished']),
      runHistory(['finished', 'cancelled'], { cancel: true }),
      runHistory([], { failBeforePlan: 'plan' }),
    ];
    // Recorded as the poller does: interleaved runs, in batches.
    const events = histories.flatMap((h) => h.map((e, i) => ({ e, i }))).sort((a, b) => a.i - b.i);
    for (let i = 0; i < events.length; i += 5)
      await recordEvents(
        database.db,
        events.slice(i, i + 5).map(({ e }) => e),
      );
    const before = await projections({ ids: true });
    expect(before.tasks.filter((task) => task.reused_from !== null)).toHaveLength(1);
    expect(await rebuildProjections(database.db, { batchSize: 3 })).toBe(events.length);
    expect(await projections({ ids: true })).toEqual(before);
  });

  it('rebuild after recording out of order gives the same rows, in order-independent columns', async () => {
    await clear();
    const events = runHistory(['finished', 'failed-then-retried']).reverse();
    await recordEvents(database.db, events);
    const before = await projections();
    await rebuildProjections(database.db);
    expect(await projections()).toEqual(before);
  });

  it('are the same when three pollers record overlapping batches at once', async () => {
    const events = [
      ...runHistory(['finished', 'retried-then-finished', 'failed-then-retried']),
      ...runHistory(['finished', 'cancelled'], { cancel: true }),
    ];
    await clear();
    await recordEvents(database.db, events);
    const expected = await projections();

    await clear();
    // A poller retries a batch that conflicted with the other's (TransientError), as the broker redelivers it.
    const poller = async (batches: ConveyorEvent[][]) => {
      for (const batch of batches) {
        for (let attempt = 1; ; attempt++) {
          try {
            await recordEvents(database.db, batch);
            break;
          } catch (error) {
            if (!(error instanceof TransientError) || attempt === 20) throw error;
          }
        }
      }
    };
    const batches = (list: ConveyorEvent[], size: number) =>
      Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
    await Promise.all([
      poller(batches(events, 4)),
      poller(batches(events, 3)),
      poller(batches([...events].reverse(), 5)),
    ]);
    expect(await projections()).toEqual(expected);
    expect(await rows(sql`SELECT COUNT(*) AS n FROM run_events`)).toEqual([{ n: events.length }]);
  });
});
