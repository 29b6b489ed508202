import { eq } from 'drizzle-orm';
import type { TaskCounts } from '@conveyor/messages';
import type { Database } from '../database.js';
import type { RunRow } from '../projections/run-row.js';
import { runs } from '../schema.js';

/** The run row's columns that count its tasks by status (kept by run-counts.ts). */
export type RunCountColumns = Pick<
  RunRow,
  'queuedCount' | 'startedCount' | 'finishedCount' | 'failedCount' | 'cancelledCount'
>;

/** A run's task counts per status, from its run row: no query. */
export function taskCountsOf(run: RunCountColumns): TaskCounts {
  const { queuedCount: queued, startedCount: started, finishedCount: finished } = run;
  const { failedCount: failed, cancelledCount: cancelled } = run;
  return {
    total: queued + started + finished + failed + cancelled,
    queued,
    started,
    finished,
    failed,
    cancelled,
  };
}

/**
 * Counts of a run's tasks per status: the counts its run row keeps, one primary-key read at any run
 * size (`taskCountsOf` when the row is at hand). A run without a row has no tasks recorded.
 */
export async function countTasksByStatus(db: Database, runId: string): Promise<TaskCounts> {
  const [row] = await db
    .select({
      queuedCount: runs.queuedCount,
      startedCount: runs.startedCount,
      finishedCount: runs.finishedCount,
      failedCount: runs.failedCount,
      cancelledCount: runs.cancelledCount,
    })
    .from(runs)
    .where(eq(runs.id, runId));
  return taskCountsOf(
    row ?? { queuedCount: 0, startedCount: 0, finishedCount: 0, failedCount: 0, cancelledCount: 0 },
  );
}
