import {
  computeProgress,
  rateWindow,
  windowRate,
  type RunProgress,
  type TaskCounts,
} from '@conveyor/messages';
import type { Database } from '../database.js';
import { datetimeMs } from '../datetime.js';
import type { RunRow } from '../projections/run-row.js';
import { countTasksByStatus } from './count-tasks-by-status.js';
import { countTasksDoneBetween } from './count-tasks-done-between.js';

/**
 * A run's progress at `nowMs` (computeProgress over its projected row and tasks): what the poller
 * publishes and the gateway serves. `counts`: the run's task counts when the caller has them already.
 */
export async function readRunProgress(
  db: Database,
  run: Pick<RunRow, 'id' | 'status' | 'taskCount' | 'startedAt' | 'completedAt'>,
  nowMs: number,
  counts?: TaskCounts,
): Promise<RunProgress> {
  const window = rateWindow(
    {
      status: run.status,
      startedAtMs: run.startedAt === null ? null : datetimeMs(run.startedAt),
      completedAtMs: run.completedAt === null ? null : datetimeMs(run.completedAt),
    },
    nowMs,
  );
  const [taskCounts, doneInWindow] = await Promise.all([
    counts ?? countTasksByStatus(db, run.id),
    window ? countTasksDoneBetween(db, run.id, window) : 0,
  ]);
  return computeProgress({
    status: run.status,
    counts: taskCounts,
    plannedTasks: run.taskCount,
    tasksPerSecond: windowRate(doneInWindow, window),
  });
}
