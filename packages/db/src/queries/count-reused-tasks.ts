import { and, count, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';

/** How many of a run's tasks took an earlier run's result partition (`reused_from` set). */
export async function countReusedTasks(db: Database, runId: string): Promise<number> {
  const [row] = await db
    .select({ reused: count() })
    .from(runProcess)
    .where(and(eq(runProcess.runId, runId), isNotNull(runProcess.reusedFrom)));
  return row?.reused ?? 0;
}
