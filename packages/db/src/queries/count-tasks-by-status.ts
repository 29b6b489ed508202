import { eq, sql } from 'drizzle-orm';
import type { TaskCounts } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';

const KEYS = {
  QUEUED: 'queued',
  STARTED: 'started',
  FINISHED: 'finished',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;

/** Counts of a run's tasks per status: one GROUP BY on the (run_id, task_status) index. */
export async function countTasksByStatus(db: Database, runId: string): Promise<TaskCounts> {
  const rows = await db
    .select({ status: runProcess.taskStatus, n: sql<number | string>`COUNT(*)` })
    .from(runProcess)
    .where(eq(runProcess.runId, runId))
    .groupBy(runProcess.taskStatus);
  const counts: TaskCounts = { total: 0, queued: 0, started: 0, finished: 0, failed: 0, cancelled: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    counts.total += n;
    counts[KEYS[row.status]] += n;
  }
  return counts;
}
