import { sql } from 'drizzle-orm';
import type { Database } from '../database.js';

/**
 * Runs whose cancellation is recorded in the projection (`runs.cancel_requested`) but whose
 * run.cancelled is not in the event store: the poller that recorded the request died before
 * publishing it. `requestedBy` comes from the recorded run.cancel-requested.
 */
export async function findUnpublishedCancellations(
  db: Database,
): Promise<{ runId: string; requestedBy: string }[]> {
  const [rows] = (await db.execute(sql`
    SELECT r.id AS runId,
      (SELECT JSON_UNQUOTE(JSON_EXTRACT(e.data, '$.requestedBy')) FROM run_events e
        WHERE e.run_id = r.id AND e.type = 'run.cancel-requested' ORDER BY e.position LIMIT 1) AS requestedBy
    FROM runs r
    WHERE r.cancel_requested = TRUE
      AND NOT EXISTS (SELECT 1 FROM run_events c WHERE c.run_id = r.id AND c.type = 'run.cancelled')
    ORDER BY r.id
    LIMIT 100`)) as unknown as [{ runId: string; requestedBy: string | null }[]];
  return rows.map((row) => ({ runId: row.runId, requestedBy: row.requestedBy ?? 'unknown' }));
}
