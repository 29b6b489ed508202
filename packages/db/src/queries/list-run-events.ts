import { and, asc, eq, gt } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runEvents } from '../schema.js';

/** A run's recorded events in recording order, after `afterPosition`. */
export async function listRunEvents(
  db: Database,
  options: { runId: string; afterPosition?: number; limit: number },
) {
  const conditions = [eq(runEvents.runId, options.runId)];
  if (options.afterPosition !== undefined) conditions.push(gt(runEvents.position, options.afterPosition));
  return db
    .select()
    .from(runEvents)
    .where(and(...conditions))
    .orderBy(asc(runEvents.position))
    .limit(options.limit);
}
