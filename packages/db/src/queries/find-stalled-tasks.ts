import { and, eq, lt, or, isNull } from 'drizzle-orm';
import type { Database } from '../database.js';
import { toDatetime } from '../projections/keys.js';
import { runProcess } from '../schema.js';

/** STARTED tasks with neither their start nor a heartbeat within the last `olderThanMs` (ms) before `now`. */
export async function findStalledTasks(db: Database, options: { olderThanMs: number; now: Date }) {
  const threshold = toDatetime(new Date(options.now.getTime() - options.olderThanMs).toISOString());
  return db
    .select({
      runId: runProcess.runId,
      taskId: runProcess.taskId,
      startedAt: runProcess.startedAt,
      lastHeartbeatAt: runProcess.lastHeartbeatAt,
    })
    .from(runProcess)
    .where(
      and(
        eq(runProcess.taskStatus, 'STARTED'),
        lt(runProcess.startedAt, threshold),
        or(isNull(runProcess.lastHeartbeatAt), lt(runProcess.lastHeartbeatAt, threshold)),
      ),
    )
    .limit(1000);
}
