import type { QueuedTask } from '@conveyor/messages';
import type { Database } from '../database.js';
import { listCellTasks } from './list-cell-tasks.js';

/** The failed tasks of a run (all of them, or those of `taskIds`), to queue again. */
export function listFailedTasks(
  db: Database,
  runId: string,
  taskIds: string[] | null,
): Promise<QueuedTask[]> {
  return listCellTasks(db, runId, { taskIds, status: 'FAILED' });
}
