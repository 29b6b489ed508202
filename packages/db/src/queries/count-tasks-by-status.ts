import { eq } from 'drizzle-orm';
import type { TaskCounts } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runs } from '../schema.js';

/**
 * Counts of a run's tasks per status: the counts its run row keeps (run-counts.ts), one primary-key
 * read at any run size. A run without a row has no tasks recorded.
 */
export async function countTasksByStatus(db: Database, runId: string): Promise<TaskCounts> {
  const [row] = await db
    .select({
      queued: runs.queuedCount,
      started: runs.startedCount,
      finished: runs.finishedCount,
      failed: runs.failedCount,
      cancelled: runs.cancelledCount,
    })
    .from(runs)
    .where(eq(runs.id, runId));
  const counts = row ?? { queued: 0, started: 0, finished: 0, failed: 0, cancelled: 0 };
  return {
    total: counts.queued + counts.started + counts.finished + counts.failed + counts.cancelled,
    ...counts,
  };
}
