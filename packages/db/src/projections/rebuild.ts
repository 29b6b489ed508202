import { asc, gt, sql } from 'drizzle-orm';
import { ConveyorEvent } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runEvents } from '../schema.js';
import { projectEvents } from './record-events.js';

/**
 * Empties `runs` and `run_process` and replays `run_events` into them, in recording order, through
 * the same projection code as the poller. Returns the number of events replayed.
 */
export async function rebuildProjections(
  db: Database,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 2000;
  await db.execute(sql`DELETE FROM run_process`);
  await db.execute(sql`DELETE FROM runs`);
  let position = 0;
  let replayed = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(runEvents)
      .where(gt(runEvents.position, position))
      .orderBy(asc(runEvents.position))
      .limit(batchSize);
    if (rows.length === 0) return replayed;
    const events = rows.map((row) =>
      ConveyorEvent.parse({
        id: row.eventId,
        type: row.type,
        version: row.version,
        occurredAt: `${row.occurredAt.replace(' ', 'T')}Z`,
        producer: row.producer,
        runId: row.runId,
        ...(row.taskId ? { taskId: row.taskId } : {}),
        data: row.data,
      }),
    );
    await db.transaction((tx) => projectEvents(tx, events));
    replayed += rows.length;
    position = rows[rows.length - 1]!.position;
  }
}
