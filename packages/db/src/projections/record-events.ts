import { inArray, sql } from 'drizzle-orm';
import { format } from 'mysql2';
import { PermanentError, TransientError, type ConveyorEvent } from '@conveyor/messages';
import type { Database } from '../database.js';
import { insertRows, type Executor } from '../insert-rows.js';
import { runEvents, runProcess, runs } from '../schema.js';
import { toDatetime } from '../datetime.js';
import { mergedStatus, mergeTaskRows, readTaskStates } from './merge-task-outcomes.js';
import { createCountDeltas } from './run-counts.js';
import { changesRun, emptyRun, evolveRun, type RunRow } from './run-row.js';
import { emptyTask, evolveQueued, evolveTask, type TaskRow } from './task-row.js';

/** MySQL/MariaDB errors that a retry of the whole transaction fixes. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_DUP_ENTRY']);

/**
 * MySQL/MariaDB errors that say the data itself cannot be stored: retrying the same events can only
 * fail again. By errno: 1048 ER_BAD_NULL_ERROR, 1153 ER_NET_PACKET_TOO_LARGE, 1264
 * ER_WARN_DATA_OUT_OF_RANGE, 1265 WARN_DATA_TRUNCATED, 1292 ER_TRUNCATED_WRONG_VALUE, 1300
 * ER_INVALID_CHARACTER_STRING, 1364 ER_NO_DEFAULT_FOR_FIELD, 1366 ER_TRUNCATED_WRONG_VALUE_FOR_FIELD,
 * 1406 ER_DATA_TOO_LONG, 1525 ER_WRONG_VALUE, 1690 ER_DATA_OUT_OF_RANGE, 3140 ER_INVALID_JSON_TEXT,
 * 3144 ER_INVALID_JSON_CHARSET, 3146 ER_INVALID_TYPE_FOR_JSON, 4025 ER_CONSTRAINT_FAILED (MariaDB's
 * JSON_VALID check on a json column).
 */
export const UNSTORABLE_ERRNOS: ReadonlySet<number> = new Set([
  1048, 1153, 1264, 1265, 1292, 1300, 1364, 1366, 1406, 1525, 1690, 3140, 3144, 3146, 4025,
]);

type DriverError = Error & { code?: string; errno?: number; sqlMessage?: string };

/** The driver's error in a chain of causes (drizzle wraps it in a query error). */
function findDriverError(error: unknown, matches: (e: DriverError) => boolean): DriverError | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (matches(e)) return e;
  }
  return undefined;
}

const isRetryable = (error: unknown) =>
  findDriverError(error, (e) => RETRYABLE.has(e.code ?? '')) !== undefined;

/**
 * Appends to the event store, in one multi-row insert, the events it does not hold yet (by id), and
 * returns those in the order given. Run it inside the caller's transaction. The insert keeps a stored
 * event as it is; its count of affected rows says how many were new — all (the steady state) or none
 * (a redelivered batch) needs no other statement; between the two, the events stored before this
 * insert are those with a position below the first one it inserted.
 */
export async function appendEvents(
  db: Executor,
  events: ConveyorEvent[],
): Promise<{ inserted: ConveyorEvent[] }> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  if (unique.length === 0) return { inserted: [] };
  const { affectedRows, insertId } = await insertRows(
    db,
    runEvents,
    unique.map((e) => ({
      eventId: e.id,
      type: e.type,
      version: e.version,
      runId: e.runId,
      taskId: e.taskId ?? null,
      producer: e.producer,
      occurredAt: toDatetime(e.occurredAt),
      data: e.data,
    })),
    { keep: 'event_id' },
  );
  if (affectedRows === unique.length) return { inserted: unique };
  if (affectedRows === 0) return { inserted: [] };
  // A concurrent poller may have stored one of them meanwhile, past `insertId`: both report it as
  // new — harmless, as projecting an event twice changes nothing.
  const [held] = (await db.execute(
    sql.raw(
      format('SELECT event_id FROM run_events WHERE event_id IN (?) AND position < ?', [
        unique.map((e) => e.id),
        insertId,
      ]),
    ),
  )) as unknown as [{ event_id: string }[]];
  const known = new Set(held.map((row) => row.event_id));
  return { inserted: unique.filter((e) => !known.has(e.id)) };
}

/** Ids of the tasks the events touch, in order of first mention (plan order for an in-order stream). */
function taskIdsOf(events: ConveyorEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.type === 'tasks.queued') e.data.tasks.forEach((t) => ids.add(t.taskId));
    else if (e.taskId) ids.add(e.taskId);
  }
  return [...ids];
}

/**
 * Folds events into the `runs` and `run_process` rows they touch, and writes each table back in a
 * few multi-row statements. Rows whose state is merged in memory are read under lock first: the
 * runs the events change, and the tasks a `tasks.queued` of the batch names. A task that only has
 * outcomes here (`task.*`: the steady state of a run) is not read whole: its events are folded from
 * an empty row and merged into the stored one in SQL (mergeTaskRows); its id and status are read
 * under lock, for the run's task counts. Both are evolveRun / evolveTask, so the result does not
 * depend on the order or the batches the events come in. The counts move with every row written
 * (run-counts.ts).
 */
export async function projectEvents(tx: Executor, events: ConveyorEvent[]): Promise<void> {
  if (events.length === 0) return;
  const taskIds = taskIdsOf(events);
  const queued = new Set(
    events.flatMap((e) => (e.type === 'tasks.queued' ? e.data.tasks.map((t) => t.taskId) : [])),
  );
  const lockedIds = taskIds.filter((id) => queued.has(id));
  const storedTasks = lockedIds.length
    ? await tx.select().from(runProcess).where(inArray(runProcess.taskId, lockedIds)).for('update')
    : [];
  const rowIds = new Map(storedTasks.map((row) => [row.taskId, row.id]));
  const taskRows = new Map<string, TaskRow>(storedTasks.map(({ id: _id, ...row }) => [row.taskId, row]));
  const merged = await readTaskStates(
    tx,
    taskIds.filter((id) => !queued.has(id)),
  );
  merged.forEach((state, taskId) => rowIds.set(taskId, state.id));
  const storedStatus = new Map(storedTasks.map((row) => [row.taskId, row.taskStatus]));

  // Every transaction locks task rows before run rows (the counts upsert at the end takes its runs
  // too): two pollers recording the same run wait for each other rather than deadlock (a deadlock
  // that remains is retried, as a TransientError).
  const runIds = [...new Set(events.filter((e) => changesRun(e.type)).map((e) => e.runId))].sort();
  const storedRuns = runIds.length
    ? await tx.select().from(runs).where(inArray(runs.id, runIds)).for('update')
    : [];
  const runRows = new Map<string, RunRow>(storedRuns.map((row) => [row.id, row]));

  const runsTouched = new Set<string>();
  const tasksTouched = new Set<string>();
  const evolve = (taskId: string, runId: string, change: (row: TaskRow) => TaskRow) => {
    taskRows.set(taskId, change(taskRows.get(taskId) ?? emptyTask(taskId, runId)));
    tasksTouched.add(taskId);
  };
  for (const event of events) {
    const before = runRows.get(event.runId) ?? emptyRun(event.runId);
    const after = evolveRun(before, event);
    if (after !== before) {
      runRows.set(event.runId, after);
      runsTouched.add(event.runId);
    }
    if (event.type === 'tasks.queued') {
      for (const task of event.data.tasks)
        evolve(task.taskId, event.runId, (row) => evolveQueued(row, event, task));
    } else if (event.taskId) {
      evolve(event.taskId, event.runId, (row) => evolveTask(row, event));
    }
  }

  const storedRunIds = new Set(storedRuns.map((row) => row.id));
  const runWrites = [...runsTouched].sort().map((id) => runRows.get(id)!);
  // New rows: a concurrent insert of the same key fails the transaction, whose retry then finds the row.
  await insertRows(
    tx,
    runs,
    runWrites.filter((row) => !storedRunIds.has(row.id)),
  );
  // Rows read under lock are overwritten with their merged state.
  await insertRows(
    tx,
    runs,
    runWrites.filter((row) => storedRunIds.has(row.id)),
    { overwrite: { except: ['id'] } },
  );

  // New rows in order of first mention, so that their auto-increment ids follow the plan, and a
  // replay of the same events (rebuildProjections) gives them the same ids.
  const taskWrites = taskIds.filter((id) => tasksTouched.has(id));
  const newTasks = taskWrites.filter((id) => !rowIds.has(id)).map((id) => taskRows.get(id)!);
  // Stored rows are written back with their id: an upsert that names it consumes no auto-increment value.
  const storedWrites = (ids: string[]) =>
    ids
      .filter((id) => rowIds.has(id))
      .sort()
      .map((id) => ({ id: rowIds.get(id)!, ...taskRows.get(id)! }));
  for (let i = 0; i < newTasks.length; i += CHUNK)
    await insertRows(tx, runProcess, newTasks.slice(i, i + CHUNK));
  const locked = storedWrites(taskWrites.filter((id) => queued.has(id)));
  for (let i = 0; i < locked.length; i += CHUNK)
    await insertRows(tx, runProcess, locked.slice(i, i + CHUNK), { overwrite: { except: ['id'] } });
  await mergeTaskRows(tx, storedWrites(taskWrites.filter((id) => !queued.has(id))));

  // The runs' task counts follow each row written from the status it held (under lock) to its new one.
  const counts = createCountDeltas();
  for (const id of taskWrites) {
    const row = taskRows.get(id)!;
    const stored = merged.get(id);
    if (stored) counts.move(row.runId, stored.taskStatus, mergedStatus(stored, row));
    else counts.move(row.runId, storedStatus.get(id), row.taskStatus);
  }
  await counts.write(tx);
}

const CHUNK = 1000; // rows per statement

/**
 * Records a batch of events in one transaction: appends the new ones to the event store and folds
 * them into the projections. Duplicates are no-ops. Lock conflicts with a concurrent poller surface
 * as a TransientError: the caller retries the batch. Data the database cannot store (too long, out of
 * range, invalid) surfaces as a PermanentError naming the SQL error: the caller splits the batch.
 */
export async function recordEvents(db: Database, events: ConveyorEvent[]) {
  try {
    return await db.transaction(async (tx) => {
      const { inserted } = await appendEvents(tx, events);
      await projectEvents(tx, inserted);
      return { inserted, affectedRunIds: [...new Set(inserted.map((e) => e.runId))] };
    });
  } catch (error) {
    if (isRetryable(error))
      throw new TransientError('event batch conflicted with a concurrent writer', { cause: error });
    const unstorable = findDriverError(error, (e) => UNSTORABLE_ERRNOS.has(e.errno ?? 0));
    // Permanent: the subscription records the batch's events one by one and dead-letters this one.
    if (unstorable)
      throw new PermanentError(
        `the database refused the event: ${unstorable.code ?? 'error'} (${unstorable.errno}): ` +
          (unstorable.sqlMessage ?? unstorable.message),
        { cause: error },
      );
    throw error;
  }
}
