import type { ResultSetHeader, RowDataPacket } from 'mysql2';
import type { Database } from '../database.js';

// One statement, like writeTaskResults: the copy replaces whatever an earlier attempt wrote, and no
// assignment reads another column (`writes` counts the writes, the copy's included). The SELECT reads the source row only (by its primary key).
const COPY = `
  INSERT INTO task_results (task_id, run_id, selection, start_date, end_date, row_count, stats, data,
    selection_hash)
  SELECT ?, ?, src.selection, src.start_date, src.end_date, src.row_count, src.stats, src.data,
    src.selection_hash
  FROM task_results src WHERE src.task_id = ?
  ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), selection = VALUES(selection),
    start_date = VALUES(start_date), end_date = VALUES(end_date), row_count = VALUES(row_count),
    stats = VALUES(stats), data = VALUES(data), selection_hash = VALUES(selection_hash),
    task_results.writes = task_results.writes + 1`;

/**
 * Copies the result partition of task `fromTaskId` as task `taskId`'s of run `runId` (`reuse`), in one
 * `INSERT … SELECT`. Resolves whether the task now has the partition: false when the source has none.
 */
export async function copyTaskResult(
  db: Database,
  copy: { runId: string; taskId: string; fromTaskId: string },
): Promise<boolean> {
  const [result] = await db.$client.query<ResultSetHeader>(COPY, [copy.taskId, copy.runId, copy.fromTaskId]);
  if (result.affectedRows > 0) return true;
  // Nothing written: the source has no row (the task may still hold a copy made before).
  const [rows] = await db.$client.query<RowDataPacket[]>(
    'SELECT 1 FROM task_results WHERE task_id = ? AND run_id = ?',
    [copy.taskId, copy.runId],
  );
  return rows.length > 0;
}
