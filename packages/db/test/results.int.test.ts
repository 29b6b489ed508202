import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../src/testing.js';
import type { ResultRow } from '../src/queries/result-row.js';
import { findTopologyByHash } from '../src/queries/find-topology-by-hash.js';
import { getTopology } from '../src/queries/get-topology.js';
import { loadTopology } from '../src/queries/load-topology.js';
import { saveTopology } from '../src/queries/save-topology.js';
import { streamTaskResults } from '../src/queries/stream-task-results.js';
import { summarizeResults } from '../src/queries/summarize-results.js';
import { writeTaskResults } from '../src/queries/write-task-results.js';

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
  overloadedIntervals: peakKw > 10 ? 2 : 0,
  energyKwh: 0.1 + 0.2,
});

async function streamed(source: Parameters<typeof streamTaskResults>[0], runId: string) {
  const rows: ResultRow[] = [];
  for await (const r of streamTaskResults(source, runId)) rows.push(r);
  return rows;
}

describe('task results', () => {
  it('replace a previous attempt and stream in plain byte order', async () => {
    const runId = '3c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    await writeTaskResults(database.db, {
      runId,
      taskId: 't-10',
      rows: [row('10', '2023-01-01 00:00', 'x', 99), row('10', '2023-01-01 00:00', 'b', 98)],
      replace: false,
    });
    await writeTaskResults(database.db, {
      runId,
      taskId: 't-10',
      rows: [row('10', '2023-01-01 00:00', 'b', 1), row('10', '2023-01-01 00:00', 'B', 2)],
    });
    await writeTaskResults(database.db, {
      runId,
      taskId: 't-2',
      rows: [row('2', '2023-01-01 00:00', 'a', 3), row('10', '2023-01-02 00:00', 'c', 4)],
    });
    await writeTaskResults(database.db, {
      runId: '00000000-0000-4000-8000-000000000000',
      taskId: 't-other',
      rows: [row('1', '2023-01-01 00:00', 'a', 5)],
    });
    const rows = await streamed(database.db, runId);
    expect(rows.map((r) => [r.selection, r.startDate, r.cableId, r.peakKw])).toEqual([
      ['10', '2023-01-01 00:00', 'B', 2],
      ['10', '2023-01-01 00:00', 'b', 1],
      ['10', '2023-01-02 00:00', 'c', 4],
      ['2', '2023-01-01 00:00', 'a', 3],
    ]);
    expect(rows[0]).toEqual(row('10', '2023-01-01 00:00', 'B', 2));
    // Over a plain pool too, and the doubles come back exactly.
    expect(await streamed(database.pool, runId)).toEqual(rows);
    expect(rows[0]!.energyKwh).toBe(0.1 + 0.2);
  });

  it('write a redelivered first attempt over its own rows without duplicating them', async () => {
    const runId = '4c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    const first = { runId, taskId: 't-r', rows: [row('1', '2023-01-01 00:00', 'a', 12)], replace: false };
    await writeTaskResults(database.db, first);
    await writeTaskResults(database.db, { ...first, rows: [row('1', '2023-01-01 00:00', 'a', 13)] });
    expect((await streamed(database.db, runId)).map((r) => r.peakKw)).toEqual([13]);
    expect(await summarizeResults(database.db, runId)).toEqual({
      rows: 1,
      cables: 1,
      overloadedCables: 1,
      maxUtilization: 1.3,
    });
  });

  it('write more rows than one insert holds, in one piece', async () => {
    const runId = '5c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    const rows = Array.from({ length: 2500 }, (_, i) =>
      row('1', '2023-01-01 00:00', `c${String(i).padStart(4, '0')}`, i / 7),
    );
    await writeTaskResults(database.db, { runId, taskId: 't-big', rows });
    expect(await streamed(database.db, runId)).toEqual(rows);
  });
});

describe('topologies', () => {
  it('store the same content once and load it back', async () => {
    const json = { version: 1, substations: [{ id: '1' }], nodes: [], cables: [] };
    const snapshot = { contentHash: 'f'.repeat(64), source: 's', selections: ['1'], nodeCount: 0, json };
    const ids = await Promise.all([
      saveTopology(database.db, { ...snapshot, id: 'topo-a' }),
      saveTopology(database.db, { ...snapshot, id: 'topo-b' }),
    ]);
    expect(ids[0]).toBe(ids[1]);
    expect(await saveTopology(database.db, { ...snapshot, id: 'topo-c' })).toBe(ids[0]);
    expect(await loadTopology(database.db, ids[0])).toEqual(json);
    expect(await findTopologyByHash(database.db, 'f'.repeat(64))).toEqual({
      id: ids[0],
      source: 's',
      selections: ['1'],
      nodeCount: 0,
    });
    expect(await getTopology(database.db, ids[0])).toMatchObject({ id: ids[0], selections: ['1'] });
    expect(await getTopology(database.db, 'topo-none')).toBeUndefined();
    await expect(loadTopology(database.db, 'topo-none')).rejects.toThrow('no topology snapshot topo-none');
  });
});
