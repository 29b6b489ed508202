import { sql } from 'drizzle-orm';
import { format } from 'mysql2';
import { insertRows, type Executor } from '../insert-rows.js';
import { runProcess } from '../schema.js';
import type { TaskStatus } from '@conveyor/messages';
import { greater } from './keys.js';
import type { TaskRow } from './task-row.js';

const CHUNK = 1000; // rows per statement

/** The columns `decide` (task-row.ts) sets together: those of the event that decides the status. */
const DECIDED = [
  'task_status',
  'generation',
  'attempt',
  'worker_id',
  'error',
  'finished_at',
  'duration_ms',
  'summary',
  'calculation_version',
  'reused_from',
] as const;

/**
 * The merge of a folded row into the stored one, in SQL: what `evolveTask` does event by event, as a
 * join of the two states. The status columns come from the greater `status_key`, `started_at` from
 * the greater `started_key`, kept only while that start belongs to the row's generation
 * (settleStarted). MySQL and MariaDB assign left to right, each assignment seeing those before it:
 * every expression reads only columns not assigned yet, so all of them see the stored row.
 */
const MERGE = (() => {
  // Keys compare byte by byte, as `greater` compares them in JavaScript, whatever the collation.
  const after = (a: string, b: string) => `CAST(${a} AS BINARY) > CAST(${b} AS BINARY)`;
  const wins = after('VALUES(status_key)', 'status_key');
  const startWins = `VALUES(started_key) IS NOT NULL AND (started_key IS NULL OR ${after('VALUES(started_key)', 'started_key')})`;
  const generation = `IF(${wins}, VALUES(generation), generation)`;
  const startedKey = `IF(${startWins}, VALUES(started_key), started_key)`;
  const startedAt = `IF(${startWins}, VALUES(started_at), started_at)`;
  return [
    `started_at = IF(CAST(LEFT(${startedKey}, 6) AS UNSIGNED) = ${generation}, ${startedAt}, NULL)`,
    `started_key = ${startedKey}`,
    ...DECIDED.map((column) => format(`?? = IF(${wins}, VALUES(??), ??)`, [column, column, column])),
    `status_key = IF(${wins}, VALUES(status_key), status_key)`,
  ].join(', ');
})();

/** A stored task row as the merge needs it: its id, and the status it holds with that status's key. */
export type StoredTaskState = { id: number; taskStatus: TaskStatus; statusKey: string };

/**
 * The stored rows of these tasks (by task id), locked (FOR UPDATE): the tasks whose rows are merged
 * in SQL. The lock makes the status read here the one the merge replaces, for the run's counts.
 */
export async function readTaskStates(tx: Executor, taskIds: string[]): Promise<Map<string, StoredTaskState>> {
  const states = new Map<string, StoredTaskState>();
  for (let i = 0; i < taskIds.length; i += CHUNK) {
    // The statement's text as insertRows builds it: the query builder costs more than the query here.
    const [rows] = (await tx.execute(
      sql.raw(
        format(
          'SELECT id, task_id, task_status, status_key FROM run_process WHERE task_id IN (?) FOR UPDATE',
          [taskIds.slice(i, i + CHUNK)],
        ),
      ),
    )) as unknown as [
      { id: number | string; task_id: string; task_status: TaskStatus; status_key: string }[],
    ];
    for (const row of rows)
      states.set(row.task_id, { id: Number(row.id), taskStatus: row.task_status, statusKey: row.status_key });
  }
  return states;
}

/** The status a merge leaves (as MERGE decides it): the folded row's when its key is greater. */
export function mergedStatus(stored: StoredTaskState, folded: TaskRow): TaskStatus {
  return greater(stored.statusKey, folded.statusKey) ? folded.taskStatus : stored.taskStatus;
}

/**
 * Merges task rows folded from an empty row (`emptyTask` + `evolveTask` over a batch's outcomes of
 * each task) into the stored rows they name by id, in multi-row upserts: no SELECT … FOR UPDATE,
 * and concurrent pollers merge in any order to the same rows, as the merge is commutative and
 * idempotent. The plan's columns (selection, dates, queued_*) and the heartbeat are left as stored:
 * only `tasks.queued` and heartbeats set them.
 */
export async function mergeTaskRows(tx: Executor, rows: (TaskRow & { id: number })[]): Promise<void> {
  const writes = rows.map((row) => ({
    id: row.id,
    runId: row.runId,
    taskId: row.taskId,
    taskStatus: row.taskStatus,
    statusKey: row.statusKey,
    generation: row.generation,
    attempt: row.attempt,
    workerId: row.workerId,
    startedAt: row.startedAt,
    startedKey: row.startedKey,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    error: row.error,
    summary: row.summary,
    calculationVersion: row.calculationVersion,
    reusedFrom: row.reusedFrom,
  }));
  for (let i = 0; i < writes.length; i += CHUNK)
    await insertRows(tx, runProcess, writes.slice(i, i + CHUNK), { merge: MERGE });
}
