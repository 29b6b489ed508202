import { getTableColumns, inArray, sql } from 'drizzle-orm';
import { TransientError, type ConveyorEvent } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runEvents, runProcess, runs } from '../schema.js';
import { toDatetime } from './keys.js';
import { emptyRun, evolveRun, type RunRow } from './run-row.js';
import { emptyTask, evolveQueued, evolveTask, type TaskRow } from './task-row.js';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
type Executor = Database | Transaction;

/** MySQL/MariaDB errors that a retry of the whole transaction fixes. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_DUP_ENTRY']);

function isRetryable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (RETRYABLE.has((e as { code?: string }).code ?? '')) return true;
  }
  return false;
}

/** Inserts the events that are not stored yet; returns those, in the order given. */
export async function appendEvents(db: Executor, events: ConveyorEvent[]): Promise<ConveyorEvent[]> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  if (unique.length === 0) return [];
  const existing = await db
    .select({ id: runEvents.eventId })
    .from(runEvents)
    .where(
      inArray(
        runEvents.eventId,
        unique.map((e) => e.id),
      ),
    );
  const known = new Set(existing.map((row) => row.id));
  const fresh = unique.filter((e) => !known.has(e.id));
  if (fresh.length === 0) return [];
  await db
    .insert(runEvents)
    .values(
      fresh.map((e) => ({
        eventId: e.id,
        type: e.type,
        version: e.version,
        runId: e.runId,
        taskId: e.taskId ?? null,
        producer: e.producer,
        occurredAt: toDatetime(e.occurredAt),
        data: e.data,
      })),
    )
    // A concurrent poller may have stored one of them since the select: then this is a no-op for it.
    .onDuplicateKeyUpdate({ set: { eventId: sql`event_id` } });
  return fresh;
}

/** Folds events into the `runs` and `run_process` rows they touch, reading those rows under lock. */
export async function projectEvents(tx: Executor, events: ConveyorEvent[]): Promise<void> {
  const runIds = [...new Set(events.map((e) => e.runId))].sort();
  const currentRuns = runIds.length
    ? await tx.select().from(runs).where(inArray(runs.id, runIds)).for('update')
    : [];
  const runRows = new Map<string, RunRow>(currentRuns.map((row) => [row.id, row]));
  const newRuns = new Set(runIds.filter((id) => !runRows.has(id)));

  const taskIds = new Set<string>();
  for (const e of events) {
    if (e.type === 'tasks.queued') e.data.tasks.forEach((t) => taskIds.add(t.taskId));
    else if (e.taskId) taskIds.add(e.taskId);
  }
  const sortedTaskIds = [...taskIds].sort();
  const currentTasks = sortedTaskIds.length
    ? await tx.select().from(runProcess).where(inArray(runProcess.taskId, sortedTaskIds)).for('update')
    : [];
  const taskRows = new Map<string, TaskRow>(currentTasks.map(({ id: _id, ...row }) => [row.taskId, row]));
  const newTasks = new Set(sortedTaskIds.filter((id) => !taskRows.has(id)));

  const runsTouched = new Set<string>();
  const tasksTouched = new Set<string>();
  for (const event of events) {
    const before = runRows.get(event.runId) ?? emptyRun(event.runId);
    const after = evolveRun(before, event);
    if (after !== before) {
      runRows.set(event.runId, after);
      runsTouched.add(event.runId);
    }
    if (event.type === 'tasks.queued') {
      for (const task of event.data.tasks) {
        taskRows.set(
          task.taskId,
          evolveQueued(taskRows.get(task.taskId) ?? emptyTask(task.taskId, event.runId), event, task),
        );
        tasksTouched.add(task.taskId);
      }
    } else if (event.taskId) {
      taskRows.set(
        event.taskId,
        evolveTask(taskRows.get(event.taskId) ?? emptyTask(event.taskId, event.runId), event),
      );
      tasksTouched.add(event.taskId);
    }
  }

  const runWrites = [...runsTouched].sort().map((id) => runRows.get(id)!);
  await writeRows(
    tx,
    runs,
    runWrites.filter((r) => newRuns.has(r.id)),
    runWrites.filter((r) => !newRuns.has(r.id)),
  );
  const taskWrites = [...tasksTouched].sort().map((id) => taskRows.get(id)!);
  for (let i = 0; i < taskWrites.length; i += 1000) {
    const chunk = taskWrites.slice(i, i + 1000);
    await writeRows(
      tx,
      runProcess,
      chunk.filter((r) => newTasks.has(r.taskId)),
      chunk.filter((r) => !newTasks.has(r.taskId)),
    );
  }
}

type Table = typeof runs | typeof runProcess;

/**
 * New rows are plain inserts (a concurrent insert of the same key fails the transaction, which is
 * retried and then finds the row); rows read under lock are overwritten with their merged state.
 */
async function writeRows(tx: Executor, table: Table, inserts: object[], updates: object[]): Promise<void> {
  if (inserts.length) await tx.insert(table).values(inserts as never[]);
  if (updates.length) {
    const set = Object.fromEntries(
      Object.entries(getTableColumns(table))
        .filter(([key]) => key !== 'id' && key in (updates[0] as object))
        .map(([key, column]) => [key, sql.raw(`VALUES(\`${(column as { name: string }).name}\`)`)]),
    );
    await tx
      .insert(table)
      .values(updates as never[])
      .onDuplicateKeyUpdate({ set });
  }
}

/**
 * Records a batch of events in one transaction: appends the new ones to the event store and folds
 * them into the projections. Duplicates are no-ops. Lock conflicts with a concurrent poller surface
 * as a TransientError: the caller retries the batch.
 */
export async function recordEvents(db: Database, events: ConveyorEvent[]) {
  try {
    return await db.transaction(async (tx) => {
      const inserted = await appendEvents(tx, events);
      await projectEvents(tx, inserted);
      return { inserted, affectedRunIds: [...new Set(inserted.map((e) => e.runId))] };
    });
  } catch (error) {
    if (isRetryable(error))
      throw new TransientError('event batch conflicted with a concurrent writer', { cause: error });
    throw error;
  }
}
