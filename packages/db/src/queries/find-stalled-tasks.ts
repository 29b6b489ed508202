import { and, eq, lt, or, isNull } from 'drizzle-orm';
import type { Database } from '../database.js';
import { toDatetime } from '../datetime.js';
import { runProcess } from '../schema.js';

/**
 * STARTED tasks with neither their start nor a heartbeat within the last `olderThanMs` (ms) before
 * `now` — of one run, or of every run (at most 1000).
 */
export async function findStalledTasks(
  db: Database,
  options: { olderThanMs: number; now: Date; runId?: string },
) {
  const threshold = toDatetime(options.now.getTime() - options.olderThanMs);
  return db
    .select()
    .from(runProcess)
    .where(
      and(
        options.runId === undefined ? undefined : eq(runProcess.runId, options.runId),
        eq(runProcess.taskStatus, 'STARTED'),
        lt(runProcess.startedAt, threshold),
        or(isNull(runProcess.lastHeartbeatAt), lt(runProcess.lastHeartbeatAt, threshold)),
      ),
    )
    .orderBy(runProcess.id)
    .limit(1000);
}
