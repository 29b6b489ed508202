import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { RunStatus } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runs } from '../schema.js';
import type { Run } from './get-run.js';

/** Newest first (by request time, then id); `after` is the id of the last run of the previous page. */
export async function listRuns(
  db: Database,
  options: { status?: RunStatus[]; after?: string; limit: number },
): Promise<Run[]> {
  const conditions = [];
  if (options.status?.length) conditions.push(inArray(runs.status, options.status));
  if (options.after) {
    const [cursor] = await db
      .select({ requestedAt: runs.requestedAt })
      .from(runs)
      .where(eq(runs.id, options.after));
    if (cursor?.requestedAt) {
      conditions.push(
        sql`(${runs.requestedAt} < ${cursor.requestedAt} OR (${runs.requestedAt} = ${cursor.requestedAt} AND ${runs.id} < ${options.after}))`,
      );
    }
  }
  return db
    .select()
    .from(runs)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(runs.requestedAt), desc(runs.id))
    .limit(options.limit);
}
