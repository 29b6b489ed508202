import { and, asc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { QueuedTask, TaskStatus } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';

/** Chosen cells of a run: task ids, and/or selections and a window (`YYYY-MM-DD HH:mm`, UTC). */
export type CellChoice = {
  taskIds?: readonly string[] | null;
  selections?: readonly string[] | null;
  /** A task is chosen when its piece ends after `from`… */
  from?: string | null;
  /** …and starts before `to` (the piece overlaps the window). */
  to?: string | null;
  /** Only the tasks in this status (any if absent). */
  status?: TaskStatus;
};

/** The tasks of a run in the chosen cells (whatever their status unless `status` is given), to queue again. */
export async function listCellTasks(db: Database, runId: string, choice: CellChoice): Promise<QueuedTask[]> {
  if (choice.taskIds?.length === 0 || choice.selections?.length === 0) return [];
  const conditions = [eq(runProcess.runId, runId)];
  if (choice.taskIds) conditions.push(inArray(runProcess.taskId, [...choice.taskIds]));
  if (choice.selections) conditions.push(inArray(runProcess.selection, [...choice.selections]));
  if (choice.from) conditions.push(gt(runProcess.endDate, choice.from));
  if (choice.to) conditions.push(lt(runProcess.startDate, choice.to));
  if (choice.status) conditions.push(eq(runProcess.taskStatus, choice.status));
  const rows = await db
    .select({
      taskId: runProcess.taskId,
      selection: runProcess.selection,
      startDate: runProcess.startDate,
      endDate: runProcess.endDate,
    })
    .from(runProcess)
    .where(and(...conditions))
    .orderBy(asc(runProcess.id));
  // A task whose tasks.queued is not recorded yet has no plan fields, so it cannot be queued again yet.
  return rows.flatMap((row) =>
    row.selection && row.startDate && row.endDate
      ? [{ taskId: row.taskId, selection: row.selection, startDate: row.startDate, endDate: row.endDate }]
      : [],
  );
}
