import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runEvents } from '../schema.js';

/** Whether the event store holds the event with this id. */
export async function hasEvent(db: Database, eventId: string): Promise<boolean> {
  const rows = await db
    .select({ position: runEvents.position })
    .from(runEvents)
    .where(eq(runEvents.eventId, eventId))
    .limit(1);
  return rows.length > 0;
}
