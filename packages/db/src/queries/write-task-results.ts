import type { PartitionStats } from '@conveyor/grid';
import type { Database } from '../database.js';

/** One task's result partition as a worker stores it: `data` is `encodePartition` of its rows. */
export type TaskPartition = {
  runId: string;
  taskId: string;
  selection: string;
  startDate: string;
  endDate: string;
  rowCount: number;
  stats: PartitionStats;
  data: Uint8Array;
  /** The selection's content hash in the task's topology (`selectionHashes`), when known: for `reuse`. */
  selectionHash?: string | null;
};

// Every column but the key takes the new row's value: a redelivered task replaces its partition
// wholesale, and no assignment reads another column (`writes` reads only itself, counting the
// writes), so their order does not matter.
const UPSERT = `
  INSERT INTO task_results (task_id, run_id, selection, start_date, end_date, row_count, stats, data,
    selection_hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), selection = VALUES(selection),
    start_date = VALUES(start_date), end_date = VALUES(end_date), row_count = VALUES(row_count),
    stats = VALUES(stats), data = VALUES(data), selection_hash = VALUES(selection_hash),
    writes = writes + 1`;

/** Writes a task's result partition in one statement (one row, autocommit), replacing an earlier attempt's. */
export async function writeTaskResults(db: Database, partition: TaskPartition): Promise<void> {
  const { data } = partition;
  await db.$client.execute(UPSERT, [
    partition.taskId,
    partition.runId,
    partition.selection,
    partition.startDate,
    partition.endDate,
    partition.rowCount,
    JSON.stringify(partition.stats),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    partition.selectionHash ?? null,
  ]);
}
