import { computeProgress, rateWindow, windowRate, type RunProgress } from '@conveyor/messages';
import type { Database } from '../database.js';
import { datetimeMs } from '../datetime.js';
import type { RunRow } from '../projections/run-row.js';
import { taskCountsOf, type RunCountColumns } from './count-tasks-by-status.js';
import { countTasksDoneBetween } from './count-tasks-done-between.js';

/**
 * A run's progress at `nowMs` (computeProgress over its projected row, whose task counts it keeps, and
 * the tasks done in the rate window): what the poller publishes and the gateway serves.
 */
export async function readRunProgress(
  db: Database,
  run: Pick<RunRow, 'id' | 'status' | 'taskCount' | 'startedAt' | 'completedAt'> & RunCountColumns,
  nowMs: number,
): Promise<RunProgress> {
  const window = rateWindow(
    {
      status: run.status,
      startedAtMs: run.startedAt === null ? null : datetimeMs(run.startedAt),
      completedAtMs: run.completedAt === null ? null : datetimeMs(run.completedAt),
    },
    nowMs,
  );
  const doneInWindow = window ? await countTasksDoneBetween(db, run.id, window) : 0;
  return computeProgress({
    status: run.status,
    counts: taskCountsOf(run),
    plannedTasks: run.taskCount,
    tasksPerSecond: windowRate(doneInWindow, window),
  });
}
