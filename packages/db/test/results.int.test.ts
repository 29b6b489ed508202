import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOfPartition, type ResultRow } from '@conveyor/grid';
import { createTestDatabase, taskPartitionOf } from '../src/testing.js';
import { findTopologyByHash } from '../src/queries/find-topology-by-hash.js';
import { getTopology } from '../src/queries/get-topology.js';
import { loadTopology } from '../src/queries/load-topology.js';
import { saveTopology } from '../src/queries/save-topology.js';
import { streamTaskResults } from '../src/queries/stream-task-results.js';
import { summarizeResults } from '../src/queries/summarize-results.js';
import { writeTaskResults } from '../src/queries/write-task-results.js';
import { copyTaskResult } from '../src/queries/copy-task-result.js';
import { findReusableResult } from '../src/queries/find-reusable-result.js';
import { runProcess, runs, taskResults } from '../src/schema.js';

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

async function streamed(runId: string, pageSize?: number) {
  const rows: ResultRow[] = [];
  for await (const partition of streamTaskResults(database.db, runId, { pageSize }))
    rows.push(...rowsOfPartition(partition));
  return rows;
}

describe('task results', () => {
  it('stream the partitions of a run in plain byte order, a page at a time', async () => {
    const runId = '3c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    const write = (taskId: string, rows: ResultRow[], id = runId) =>
      writeTaskResults(database.db, taskPartitionOf({ runId: id, taskId }, rows));
    await write('t-10b', [row('10', '2023-01-02 00:00', 'c', 4)]);
    await write('t-10a', [row('10', '2023-01-01 00:00', 'b', 1), row('10', '2023-01-01 00:00', 'B', 2)]);
    await write('t-2', [row('2', '2023-01-01 00:00', 'a', 3)]);
    await write('t-B', [row('B', '2023-01-01 00:00', 'z', 6)]);
    await write('t-other', [row('1', '2023-01-01 00:00', 'a', 5)], '00000000-0000-4000-8000-000000000000');
    const rows = await streamed(runId);
    expect(rows.map((r) => [r.selection, r.startDate, r.cableId, r.peakKw])).toEqual([
      ['10', '2023-01-01 00:00', 'B', 2],
      ['10', '2023-01-01 00:00', 'b', 1],
      ['10', '2023-01-02 00:00', 'c', 4],
      ['2', '2023-01-01 00:00', 'a', 3],
      ['B', '2023-01-01 00:00', 'z', 6],
    ]);
    expect(rows[0]).toEqual(row('10', '2023-01-01 00:00', 'B', 2));
    expect(rows[0]!.energyKwh).toBe(0.1 + 0.2);
    // Pages of one and of two partitions give the same rows as one page.
    expect(await streamed(runId, 1)).toEqual(rows);
    expect(await streamed(runId, 2)).toEqual(rows);
  });

  it('replace the partition of a redelivered task wholesale', async () => {
    const runId = '4c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    const ids = { runId, taskId: 't-r' };
    await writeTaskResults(
      database.db,
      taskPartitionOf(ids, [row('1', '2023-01-01 00:00', 'a', 12), row('1', '2023-01-01 00:00', 'b', 30)]),
    );
    await writeTaskResults(database.db, taskPartitionOf(ids, [row('1', '2023-01-01 00:00', 'a', 13)]));
    expect((await streamed(runId)).map((r) => [r.cableId, r.peakKw])).toEqual([['a', 13]]);
    const [stored] = await database.pool.query(
      'SELECT row_count, writes FROM task_results WHERE run_id = ?',
      [runId],
    );
    // Both writes counted: a test can tell a task computed twice from one computed once.
    expect(stored).toEqual([{ row_count: 1, writes: 2 }]);
    expect(await summarizeResults(database.db, runId)).toEqual({
      rows: 1,
      cables: 1,
      overloadedCables: 1,
      maxUtilization: 1.3,
      energyKwh: 0.1 + 0.2,
    });
  });

  it('summarize a run without results as empty', async () => {
    expect(await summarizeResults(database.db, '6c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c')).toEqual({
      rows: 0,
      cables: 0,
      overloadedCables: 0,
      maxUtilization: null,
      energyKwh: null,
    });
  });

  it('write a partition of many rows in one piece', async () => {
    const runId = '5c1b1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    const rows = Array.from({ length: 2500 }, (_, i) =>
      row('1', '2023-01-01 00:00', `c${String(i).padStart(4, '0')}`, i / 7),
    );
    await writeTaskResults(database.db, taskPartitionOf({ runId, taskId: 't-big' }, rows));
    expect(await streamed(runId)).toEqual(rows);
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

describe('reuse', () => {
  const hash = 'a'.repeat(64);
  const cell = { startDate: '2023-01-01 00:00', endDate: '2023-01-31 23:59' };
  const earlierRun = '7d0f0c52-1b8e-4a53-9d1e-000000000001';
  const laterRun = '7d0f0c52-1b8e-4a53-9d1e-000000000002';
  const source = '7d0f0c52-1b8e-4a53-9d1e-0000000000a1';
  const target = '7d0f0c52-1b8e-4a53-9d1e-0000000000b1';

  beforeAll(async () => {
    await database.db.insert(runs).values([
      { id: earlierRun, status: 'SUCCEEDED', statusKey: 'k', calculation: 'grid-load' },
      { id: laterRun, status: 'RUNNING', statusKey: 'k', calculation: 'grid-load' },
    ]);
    await database.db.insert(runProcess).values({
      runId: earlierRun,
      taskId: source,
      selection: '7',
      ...cell,
      taskStatus: 'FINISHED',
      statusKey: 'k',
      calculationVersion: '1.0.0',
      finishedAt: '2023-02-01 00:00:00.000',
      summary: { maxUtilization: 0.4 },
    });
    await writeTaskResults(database.db, {
      ...taskPartitionOf({ runId: earlierRun, taskId: source }, [row('7', cell.startDate, 'c1', 4)]),
      selectionHash: hash,
    });
  });

  const ask = (changes: Partial<Parameters<typeof findReusableResult>[1]> = {}) =>
    findReusableResult(database.db, {
      runId: laterRun,
      selectionHash: hash,
      ...cell,
      calculation: 'grid-load',
      calculationVersion: '1.0.0',
      ...changes,
    });

  it('finds the finished task of another run with the same hash, calculation, version and window', async () => {
    expect(await ask()).toEqual({
      taskId: source,
      runId: earlierRun,
      rowCount: 1,
      summary: { maxUtilization: 0.4 },
    });
    expect(await ask({ runId: earlierRun })).toBeUndefined();
    expect(await ask({ selectionHash: 'b'.repeat(64) })).toBeUndefined();
    expect(await ask({ calculationVersion: '1.0.1' })).toBeUndefined();
    expect(await ask({ calculation: 'noop' })).toBeUndefined();
    expect(await ask({ endDate: '2023-01-30 23:59' })).toBeUndefined();
  });

  it('copies the partition byte for byte in one statement, again on a redelivery, and says when there is none', async () => {
    const copy = { runId: laterRun, taskId: target, fromTaskId: source };
    expect(await copyTaskResult(database.db, copy)).toBe(true);
    expect(await copyTaskResult(database.db, copy)).toBe(true);
    const [from, to] = await Promise.all(
      [source, target].map(async (taskId) => {
        const [row] = await database.db.select().from(taskResults).where(eq(taskResults.taskId, taskId));
        return row!;
      }),
    );
    expect({ ...to, taskId: source, runId: earlierRun, writes: from!.writes }).toEqual(from);
    expect([from!.writes, to!.writes]).toEqual([1, 2]);
    expect(await streamed(laterRun)).toEqual(await streamed(earlierRun));
    const missing = '7d0f0c52-1b8e-4a53-9d1e-0000000000c1';
    expect(await copyTaskResult(database.db, { ...copy, taskId: missing, fromTaskId: missing })).toBe(false);
  });
});
