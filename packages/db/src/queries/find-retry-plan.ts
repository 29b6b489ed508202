import { sql } from 'drizzle-orm';
import { eventDataSchemas, type QueuedTask } from '@conveyor/messages';
import type { Database } from '../database.js';

/**
 * The plan a run.retry-requested (by its event id) already produced, from the event store: its
 * generation, topology and tasks (from that generation's tasks.queued). Undefined when no run.planned
 * of this retry is recorded. A redelivered retry request resumes this plan instead of opening another
 * generation.
 */
export async function findRetryPlan(
  db: Database,
  runId: string,
  retryEventId: string,
): Promise<{ generation: number; topologyId: string; tasks: QueuedTask[] } | undefined> {
  const [planned] = (await db.execute(sql`
    SELECT data FROM run_events
    WHERE run_id = ${runId} AND type = 'run.planned'
      AND JSON_UNQUOTE(JSON_EXTRACT(data, '$.retryOf')) = ${retryEventId}
    LIMIT 1`)) as unknown as [{ data: unknown }[]];
  if (!planned[0]) return undefined;
  const plan = eventDataSchemas['run.planned'].parse(parseJson(planned[0].data));
  const [queued] = (await db.execute(sql`
    SELECT data FROM run_events
    WHERE run_id = ${runId} AND type = 'tasks.queued'
      AND JSON_EXTRACT(data, '$.generation') = ${plan.generation}
    ORDER BY position`)) as unknown as [{ data: unknown }[]];
  const tasks = queued.flatMap((row) => eventDataSchemas['tasks.queued'].parse(parseJson(row.data)).tasks);
  return {
    generation: plan.generation,
    topologyId: plan.topologyId,
    tasks: [...new Map(tasks.map((t) => [t.taskId, t])).values()],
  };
}

/** MariaDB hands JSON back as text, MySQL 8 as a value. */
const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
