import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { TaskStatus } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';
import type { Task } from './get-task.js';

/**
 * A run's tasks in the order their rows were created — plan order (selection, start) when the
 * `tasks.queued` events are recorded before the tasks' own events, as they normally are. `after` is
 * the row id of the previous page's last task.
 */
export async function listTasks(
  db: Database,
  options: { runId: string; status?: TaskStatus[]; after?: number; limit: number },
): Promise<Task[]> {
  const conditions = [eq(runProcess.runId, options.runId)];
  if (options.status?.length) conditions.push(inArray(runProcess.taskStatus, options.status));
  if (options.after !== undefined) conditions.push(gt(runProcess.id, options.after));
  return db
    .select()
    .from(runProcess)
    .where(and(...conditions))
    .orderBy(asc(runProcess.id))
    .limit(options.limit);
}
