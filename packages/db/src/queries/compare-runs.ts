import {
  createComparison,
  decodePartition,
  diffPartitions,
  pairCells,
  type RunComparison,
} from '@conveyor/grid';
import { inArray } from 'drizzle-orm';
import type { Database } from '../database.js';
import { taskResults } from '../schema.js';
import { listPartitionHeads } from './list-partition-heads.js';

/** Differing cells decoded per query: 2 × 64 partitions of about 16 kB decoded each. */
const PAGE = 64;

async function readData(db: Database, taskIds: string[]): Promise<Map<string, Buffer>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db
    .select({ taskId: taskResults.taskId, data: taskResults.data })
    .from(taskResults)
    .where(inArray(taskResults.taskId, taskIds));
  return new Map(rows.map((row) => [row.taskId, row.data]));
}

/**
 * What changed from run A to run B, per selection × window piece × element, on the cells both runs
 * have. The partitions' stats are read first; `data` is decoded only for cells whose digests differ
 * (or that have none), a page at a time, in cell order. `page` chooses which changes are listed.
 */
export async function compareRuns(
  db: Database,
  runs: { a: string; b: string },
  page: { after: number; limit: number },
): Promise<RunComparison> {
  const pairs = pairCells(await listPartitionHeads(db, runs.a), await listPartitionHeads(db, runs.b));
  const comparison = createComparison(pairs, page);
  for (let i = 0; i < pairs.differing.length; i += PAGE) {
    const slice = pairs.differing.slice(i, i + PAGE);
    const data = await readData(
      db,
      slice.flatMap(({ a, b }) => [a.taskId, b.taskId]),
    );
    const decoded = (taskId: string) => {
      const bytes = data.get(taskId);
      // Finished runs' partitions are replaced, never deleted: a missing one is a broken store.
      if (!bytes) throw new Error(`the result partition of task ${taskId} vanished during compareRuns`);
      return decodePartition(bytes);
    };
    for (const { a, b } of slice) comparison.add(diffPartitions(decoded(a.taskId), decoded(b.taskId)));
  }
  return comparison.finish();
}
