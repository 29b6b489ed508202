import { and, asc, eq, inArray } from 'drizzle-orm';
import type { QueuedTask } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';

/** The failed tasks of a run (all of them, or those of `taskIds`), to queue again. */
export async function listFailedTasks(
  db: Database,
  runId: string,
  taskIds: string[] | null,
): Promise<QueuedTask[]> {
  if (taskIds?.length === 0) return [];
  const conditions = [eq(runProcess.runId, runId), eq(runProcess.taskStatus, 'FAILED')];
  if (taskIds) conditions.push(inArray(runProcess.taskId, taskIds));
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
