import { sql } from 'drizzle-orm';
import type { Database } from '../database.js';
import { toDatetime } from '../datetime.js';

/**
 * Records workers' heartbeats (`at`: an ISO-8601 instant or DATETIME text, UTC) in one statement; the latest beat of a task
 * wins, whatever order they come in.
 */
export async function recordHeartbeats(db: Database, beats: { taskId: string; at: string }[]): Promise<void> {
  const latest = new Map<string, string>();
  for (const beat of beats) {
    const at = toDatetime(beat.at);
    const seen = latest.get(beat.taskId);
    if (seen === undefined || at > seen) latest.set(beat.taskId, at);
  }
  if (latest.size === 0) return;
  const entries = [...latest].sort(([a], [b]) => (a < b ? -1 : 1));
  const cases = sql.join(
    entries.map(([taskId, at]) => sql`WHEN ${taskId} THEN ${at}`),
    sql` `,
  );
  const ids = sql.join(
    entries.map(([taskId]) => sql`${taskId}`),
    sql`, `,
  );
  await db.execute(sql`
    UPDATE run_process
    SET last_heartbeat_at = GREATEST(COALESCE(last_heartbeat_at, '1000-01-01'), CASE task_id ${cases} END)
    WHERE task_id IN (${ids})`);
}
