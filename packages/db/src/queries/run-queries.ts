import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { RunStatus } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runEvents, runs } from '../schema.js';
import type { RunRow } from '../projections/run-row.js';

export type Run = RunRow;

export async function getRun(db: Database, runId: string): Promise<Run | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  return row;
}

/** Whether the run's cancellation was requested (workers ask this before each task). */
export async function getRunStatus(
  db: Database,
  runId: string,
): Promise<{ status: string; cancelRequested: boolean } | undefined> {
  const [row] = await db
    .select({ status: runs.status, cancelRequested: runs.cancelRequested })
    .from(runs)
    .where(eq(runs.id, runId));
  return row;
}

/** Newest first; `after` is the id of the last run of the previous page. */
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

/** The request of a run, from its recorded `run.requested` event. */
export async function getRunRequest(db: Database, runId: string) {
  const [row] = await db
    .select({ data: runEvents.data })
    .from(runEvents)
    .where(and(eq(runEvents.runId, runId), eq(runEvents.type, 'run.requested')))
    .limit(1);
  if (!row) return undefined;
  return row.data as {
    window: { start: string; end: string };
    chunk: 'none' | 'day' | 'week' | 'month';
    selections: string[] | null;
    calculation: string;
    topologySource: string;
  };
}

export async function hasEvent(db: Database, eventId: string): Promise<boolean> {
  const rows = await db
    .select({ position: runEvents.position })
    .from(runEvents)
    .where(eq(runEvents.eventId, eventId))
    .limit(1);
  return rows.length > 0;
}

/** A run's events in recording order, after `afterPosition`. */
export async function listRunEvents(
  db: Database,
  options: { runId: string; afterPosition?: number; limit: number },
) {
  return db
    .select()
    .from(runEvents)
    .where(
      options.afterPosition === undefined
        ? eq(runEvents.runId, options.runId)
        : and(eq(runEvents.runId, options.runId), sql`${runEvents.position} > ${options.afterPosition}`),
    )
    .orderBy(runEvents.position)
    .limit(options.limit);
}
