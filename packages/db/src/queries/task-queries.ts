import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { QueuedTask, TaskCounts } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';

export type Task = typeof runProcess.$inferSelect;

export async function getTask(db: Database, taskId: string): Promise<Task | undefined> {
  const [row] = await db.select().from(runProcess).where(eq(runProcess.taskId, taskId));
  return row;
}

/** A run's tasks in plan order (selection, start); `after` is the row id of the previous page's last task. */
export async function listTasks(
  db: Database,
  options: { runId: string; status?: string[]; after?: number; limit: number },
) {
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

/** Counts of a run's tasks per status: one GROUP BY on the (run_id, task_status) index. */
export async function countTasksByStatus(db: Database, runId: string): Promise<TaskCounts> {
  const rows = await db
    .select({ status: runProcess.taskStatus, n: sql<number>`COUNT(*)` })
    .from(runProcess)
    .where(eq(runProcess.runId, runId))
    .groupBy(runProcess.taskStatus);
  const counts: TaskCounts = { total: 0, queued: 0, started: 0, finished: 0, failed: 0, cancelled: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    counts.total += n;
    const key = row.status.toLowerCase() as keyof TaskCounts;
    if (key in counts) counts[key] += n;
  }
  return counts;
}

/** The failed tasks of a run (all, or those named), to queue again. */
export async function listFailedTasks(
  db: Database,
  runId: string,
  taskIds: string[] | null,
): Promise<QueuedTask[]> {
  const conditions = [eq(runProcess.runId, runId), eq(runProcess.taskStatus, 'FAILED')];
  if (taskIds) conditions.push(inArray(runProcess.taskId, taskIds.length ? taskIds : ['']));
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
  return rows.flatMap((row) =>
    row.selection && row.startDate && row.endDate
      ? [{ taskId: row.taskId, selection: row.selection, startDate: row.startDate, endDate: row.endDate }]
      : [],
  );
}

/** Records workers' heartbeats: the latest per task wins. */
export async function recordHeartbeats(db: Database, beats: { taskId: string; at: string }[]): Promise<void> {
  for (const beat of beats) {
    await db
      .update(runProcess)
      .set({ lastHeartbeatAt: beat.at })
      .where(
        and(
          eq(runProcess.taskId, beat.taskId),
          sql`(${runProcess.lastHeartbeatAt} IS NULL OR ${runProcess.lastHeartbeatAt} < ${beat.at})`,
        ),
      );
  }
}

/** STARTED tasks with neither a start nor a heartbeat within `olderThanMs`. */
export async function findStalledTasks(db: Database, options: { olderThanMs: number; now: Date }) {
  const threshold = new Date(options.now.getTime() - options.olderThanMs)
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '');
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
        sql`(${runProcess.lastHeartbeatAt} IS NULL OR ${runProcess.lastHeartbeatAt} < ${threshold})`,
      ),
    )
    .limit(1000);
}
