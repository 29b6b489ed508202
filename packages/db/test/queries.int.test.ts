import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../src/testing.js';
import { recordEvents } from '../src/projections/record-events.js';
import { claimCompletion, findCompletableRuns } from '../src/queries/completion-queries.js';
import { streamTaskResults, writeTaskResults, type ResultRow } from '../src/queries/result-queries.js';
import { loadTopology, saveTopology } from '../src/queries/topology-queries.js';
import { countTasksByStatus } from '../src/queries/task-queries.js';
import { runHistory } from './history.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const row = (selection: string, startDate: string, cableId: string, peakKw: number): ResultRow => ({
  selection,
  startDate,
  endDate: '2023-01-31 23:59',
  cableId,
  capacityKw: 10,
  peakKw,
  peakAt: '2023-01-02 18:00',
  utilization: peakKw / 10,
  overloadedIntervals: 0,
  energyKwh: 0.1 + 0.2,
});

describe('completion', () => {
  it('finds a run whose tasks are all terminal, and exactly one of two concurrent claims wins', async () => {
    const events = runHistory(['finished', 'failed']).filter((e) => e.type !== 'run.completed');
    const runId = events[0]!.runId;
    await recordEvents(database.db, events.slice(0, -1));
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
    await recordEvents(database.db, events.slice(-1));
    const [completion] = await findCompletableRuns(database.db, [runId]);
    expect(completion).toMatchObject({
      runId,
      generation: 0,
      status: 'FAILED',
      counts: { total: 2, finished: 1, failed: 1 },
    });
    const claims = await Promise.all([
      claimCompletion(database.db, completion!),
      claimCompletion(database.db, completion!),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
    expect(await countTasksByStatus(database.db, runId)).toEqual({
      total: 2,
      queued: 0,
      started: 0,
      finished: 1,
      failed: 1,
      cancelled: 0,
    });
  });
});

describe('results', () => {
  it('replaces a previous attempt and streams in plain byte order', async () => {
    const runId = '3c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    await writeTaskResults(database.db, {
      runId,
      taskId: 't-10',
      rows: [row('10', '2023-01-01 00:00', 'x', 99)],
    });
    await writeTaskResults(database.db, {
      runId,
      taskId: 't-10',
      rows: [row('10', '2023-01-01 00:00', 'b', 1), row('10', '2023-01-01 00:00', 'B', 2)],
    });
    await writeTaskResults(database.db, {
      runId,
      taskId: 't-2',
      rows: [row('2', '2023-01-01 00:00', 'a', 3)],
    });
    const streamed: ResultRow[] = [];
    for await (const r of streamTaskResults(database.db, runId)) streamed.push(r);
    expect(streamed.map((r) => [r.selection, r.cableId, r.peakKw])).toEqual([
      ['10', 'B', 2],
      ['10', 'b', 1],
      ['2', 'a', 3],
    ]);
    expect(streamed[0]!.energyKwh).toBe(0.1 + 0.2);
  });
});

describe('topologies', () => {
  it('stores the same content once and loads it back', async () => {
    const json = { version: 1, substations: [{ id: '1' }], nodes: [], cables: [] };
    const first = await saveTopology(database.db, {
      id: 'topo-a',
      contentHash: 'f'.repeat(64),
      source: 's',
      selections: ['1'],
      nodeCount: 0,
      json,
    });
    const second = await saveTopology(database.db, {
      id: 'topo-b',
      contentHash: 'f'.repeat(64),
      source: 's',
      selections: ['1'],
      nodeCount: 0,
      json,
    });
    expect([first, second]).toEqual(['topo-a', 'topo-a']);
    expect(await loadTopology(database.db, 'topo-a')).toEqual(json);
  });
});
