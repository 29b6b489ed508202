import type { RowDataPacket } from 'mysql2';
import type { Database } from '../database.js';

/** A task whose cell equals the one asked about: its result partition can be taken instead of computing. */
export type ReusableResult = {
  taskId: string;
  runId: string;
  rowCount: number;
  summary: Record<string, unknown> | null;
};

// Walks `task_results_reuse` (the partitions with this selection content and window, in any run),
// then each candidate's run_process row (unique task_id) and run (primary key): no scan of runs.
const FIND = `
  SELECT tr.task_id AS taskId, tr.run_id AS runId, tr.row_count AS rowCount, rp.summary AS summary
  FROM task_results tr
  JOIN run_process rp ON rp.task_id = tr.task_id
  JOIN runs r ON r.id = tr.run_id
  WHERE tr.selection_hash = ? AND tr.start_date = ? AND tr.end_date = ? AND tr.run_id <> ?
    AND rp.task_status = 'FINISHED' AND rp.calculation_version = ? AND r.calculation = ?
  ORDER BY rp.finished_at DESC, tr.task_id
  LIMIT 1`;

/**
 * The latest FINISHED task of another run with the same selection content hash, calculation and
 * calculation version, start and end, whose result partition exists (DESIGN §6 `reuse`), if any.
 */
export async function findReusableResult(
  db: Database,
  cell: {
    runId: string;
    selectionHash: string;
    startDate: string;
    endDate: string;
    calculation: string;
    calculationVersion: string;
  },
): Promise<ReusableResult | undefined> {
  const [rows] = await db.$client.query<RowDataPacket[]>(FIND, [
    cell.selectionHash,
    cell.startDate,
    cell.endDate,
    cell.runId,
    cell.calculationVersion,
    cell.calculation,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  const summary = row.summary as unknown;
  return {
    taskId: row.taskId as string,
    runId: row.runId as string,
    rowCount: Number(row.rowCount),
    summary:
      typeof summary === 'string'
        ? (JSON.parse(summary) as Record<string, unknown>)
        : (summary as Record<string, unknown> | null),
  };
}
