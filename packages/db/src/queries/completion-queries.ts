import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { TaskCounts } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runs } from '../schema.js';
import { countTasksByStatus } from './task-queries.js';

export type Completion = {
  runId: string;
  generation: number;
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  counts: TaskCounts;
  durationMs: number;
  reason?: string;
};

type Row = {
  id: string;
  generation: number;
  planned_count: number | null;
  reason: string | null;
  cancel_requested: number;
  requested_at: string | null;
  total: number | string | null;
  current_rows: number | string | null;
  queued: number | string | null;
  started: number | string | null;
  finished: number | string | null;
  failed: number | string | null;
  cancelled: number | string | null;
};

const durationSince = (requestedAt: string | null, now: Date) =>
  requestedAt ? Math.max(0, now.getTime() - Date.parse(`${requestedAt.replace(' ', 'T')}Z`)) : 0;

/**
 * The runs whose current generation is done and not yet completed: every task of the generation's
 * plan is recorded and no task is queued or running — or the run failed before it was planned.
 */
export async function findCompletableRuns(
  db: Database,
  runIds?: string[],
  now = new Date(),
): Promise<Completion[]> {
  if (runIds && runIds.length === 0) return [];
  const only = runIds
    ? sql`AND r.id IN (${sql.join(
        runIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  const [rows] = (await db.execute(sql`
    SELECT r.id, r.generation, r.planned_count, r.reason, r.cancel_requested, r.requested_at,
      COUNT(p.task_id) AS total,
      SUM(p.generation = r.generation) AS current_rows,
      SUM(p.task_status = 'QUEUED') AS queued,
      SUM(p.task_status = 'STARTED') AS started,
      SUM(p.task_status = 'FINISHED') AS finished,
      SUM(p.task_status = 'FAILED') AS failed,
      SUM(p.task_status = 'CANCELLED') AS cancelled
    FROM runs r LEFT JOIN run_process p ON p.run_id = r.id
    WHERE (r.completed_generation IS NULL OR r.completed_generation < r.generation) ${only}
    GROUP BY r.id
    LIMIT 1000`)) as unknown as [Row[]];

  const completions: Completion[] = [];
  for (const row of rows) {
    const n = (value: number | string | null) => Number(value ?? 0);
    const counts: TaskCounts = {
      total: n(row.total),
      queued: n(row.queued),
      started: n(row.started),
      finished: n(row.finished),
      failed: n(row.failed),
      cancelled: n(row.cancelled),
    };
    const base = {
      runId: row.id,
      generation: row.generation,
      counts,
      durationMs: durationSince(row.requested_at, now),
    };
    if (row.planned_count === null) {
      // Not planned: completes only when topology building or planning failed.
      if (row.reason) completions.push({ ...base, status: 'FAILED', reason: row.reason });
      continue;
    }
    const allRecorded = n(row.current_rows) >= row.planned_count;
    if (!allRecorded || counts.queued + counts.started > 0) continue;
    if (row.cancel_requested)
      completions.push({ ...base, status: 'CANCELLED', reason: 'cancelled on request' });
    else if (counts.failed > 0)
      completions.push({
        ...base,
        status: 'FAILED',
        reason: `${counts.failed} of ${counts.total} tasks failed`,
      });
    else completions.push({ ...base, status: 'SUCCEEDED' });
  }
  return completions;
}

/** Claims the completion of a run's generation; true for exactly one caller, however many pollers race. */
export async function claimCompletion(
  db: Database,
  completion: Pick<Completion, 'runId' | 'generation'>,
): Promise<boolean> {
  const [result] = await db
    .update(runs)
    .set({ completedGeneration: completion.generation, completionPublished: false })
    .where(
      and(
        eq(runs.id, completion.runId),
        sql`(${runs.completedGeneration} IS NULL OR ${runs.completedGeneration} < ${completion.generation})`,
      ),
    );
  return result.affectedRows === 1;
}

export async function markCompletionPublished(
  db: Database,
  runId: string,
  generation: number,
): Promise<void> {
  await db
    .update(runs)
    .set({ completionPublished: true })
    .where(and(eq(runs.id, runId), eq(runs.completedGeneration, generation)));
}

/** Completions claimed but not published (the claiming poller died in between), to publish again. */
export async function findUnpublishedCompletions(db: Database, now = new Date()): Promise<Completion[]> {
  const rows = await db
    .select()
    .from(runs)
    .where(and(isNotNull(runs.completedGeneration), eq(runs.completionPublished, false)))
    .limit(100);
  const completions: Completion[] = [];
  for (const run of rows) {
    const counts = await countTasksByStatus(db, run.id);
    const status = run.cancelRequested
      ? 'CANCELLED'
      : counts.failed > 0 || run.plannedCount === null
        ? 'FAILED'
        : 'SUCCEEDED';
    completions.push({
      runId: run.id,
      generation: run.completedGeneration!,
      status,
      counts,
      durationMs: durationSince(run.requestedAt, now),
      ...(status === 'FAILED' && run.reason ? { reason: run.reason } : {}),
    });
  }
  return completions;
}
