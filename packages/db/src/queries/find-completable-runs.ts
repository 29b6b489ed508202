import { sql } from 'drizzle-orm';
import type { TaskCounts } from '@conveyor/messages';
import type { Database } from '../database.js';
import { decideOutcome, durationSince, type Completion } from './completion.js';

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

/**
 * The runs whose current generation should complete now, with what `run.completed` says:
 * - planned, every task of the generation's plan recorded, none queued or running;
 * - not planned, and topology building or planning failed (`reason` set).
 * The status and reason are `decideOutcome`'s.
 * A generation already claimed (`completed_generation`) is not returned again. `now` is the clock of
 * `durationMs`.
 */
export async function findCompletableRuns(
  db: Database,
  runIds?: string[],
  now = new Date(),
): Promise<Completion[]> {
  if (runIds?.length === 0) return [];
  const only = runIds
    ? sql`AND r.id IN (${sql.join(
        runIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  // Grouped by every selected column of `runs`: valid under ONLY_FULL_GROUP_BY on MySQL 8 and MariaDB.
  // A planned run with a task still queued or running cannot complete: the NOT EXISTS (one probe of
  // the run_status index) drops it before its tasks are counted, so that the poller's check after
  // every batch does not scan a large run's rows while it is running.
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
      AND (r.planned_count IS NULL OR NOT EXISTS (
        SELECT 1 FROM run_process q WHERE q.run_id = r.id AND q.task_status IN ('QUEUED', 'STARTED')))
    GROUP BY r.id, r.generation, r.planned_count, r.reason, r.cancel_requested, r.requested_at
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
    if (row.planned_count === null) {
      // Not planned: it completes only when topology building or planning failed.
      if (!row.reason) continue;
    } else {
      const allRecorded = n(row.current_rows) >= row.planned_count;
      if (!allRecorded || counts.queued + counts.started > 0) continue;
    }
    const outcome = decideOutcome({
      plannedCount: row.planned_count,
      reason: row.reason,
      cancelRequested: Boolean(row.cancel_requested),
      counts,
    });
    completions.push({
      runId: row.id,
      generation: row.generation,
      counts,
      durationMs: durationSince(row.requested_at, now),
      ...outcome,
    });
  }
  return completions;
}
