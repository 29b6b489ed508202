import { asc, gt, sql } from 'drizzle-orm';
import { ConveyorEvent } from '@conveyor/messages';
import type { Database } from '../database.js';
import { datetimeIso } from '../datetime.js';
import { runEvents } from '../schema.js';
import { projectEvents } from './record-events.js';

/**
 * Empties `runs` and `run_process` and replays `run_events` into them, in recording order, through
 * the same projection code as the poller. Returns the number of events replayed. TRUNCATE restarts
 * `run_process.id`, so rows get the ids they got when the events were first recorded (unless a
 * rolled-back transaction or concurrent pollers left gaps or interleaved them then). Stop the
 * pollers while it runs.
 */
export async function rebuildProjections(
  db: Database,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 2000;
  await db.execute(sql`TRUNCATE TABLE run_process`);
  await db.execute(sql`TRUNCATE TABLE runs`);
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
        occurredAt: datetimeIso(row.occurredAt),
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
