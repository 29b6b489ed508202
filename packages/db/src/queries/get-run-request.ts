import { and, eq } from 'drizzle-orm';
import { eventDataSchemas } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runEvents } from '../schema.js';

/** The request of a run, from its recorded `run.requested` event. */
export async function getRunRequest(db: Database, runId: string) {
  const [row] = await db
    .select({ data: runEvents.data })
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), eq(runEvents.type, 'run.requested')))
    .limit(1);
  return row ? eventDataSchemas['run.requested'].parse(row.data) : undefined;
}
