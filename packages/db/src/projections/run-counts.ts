import type { TaskStatus } from '@conveyor/messages';
import { insertRows, type Executor } from '../insert-rows.js';
import { runs } from '../schema.js';

/** The `runs` column counting a run's task rows in each status. */
const COLUMNS = {
  QUEUED: 'queued_count',
  STARTED: 'started_count',
  FINISHED: 'finished_count',
  FAILED: 'failed_count',
  CANCELLED: 'cancelled_count',
} as const satisfies Record<TaskStatus, string>;

/** Each count column incremented by the row's value: the deltas of concurrent pollers add up. */
const ADD = Object.values(COLUMNS)
  .map((column) => `${column} = ${column} + VALUES(${column})`)
  .join(', ');

const zero = (): Record<TaskStatus, number> => ({
  QUEUED: 0,
  STARTED: 0,
  FINISHED: 0,
  FAILED: 0,
  CANCELLED: 0,
});

/**
 * What a transaction changes in its runs' task counts: each task row it writes moves from the status
 * it held (read under lock; none for a new row) to the one it gets.
 */
export function createCountDeltas() {
  const byRun = new Map<string, Record<TaskStatus, number>>();
  return {
    move(runId: string, before: TaskStatus | undefined, after: TaskStatus): void {
      if (before === after) return;
      const deltas = byRun.get(runId) ?? zero();
      if (before) deltas[before] -= 1;
      deltas[after] += 1;
      byRun.set(runId, deltas);
    },
    /**
     * Adds the deltas to the runs' counts in one upsert, in run id order (the order every poller
     * locks them in). A run without a row yet gets one, as `emptyRun`, which its `run.requested`
     * completes: every transaction that writes a run's task rows writes its run row, so that the
     * counts start from the first of them.
     */
    async write(tx: Executor): Promise<void> {
      const rows = [...byRun.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, deltas]) => ({
          id,
          status: 'REQUESTED',
          statusKey: '',
          queuedCount: deltas.QUEUED,
          startedCount: deltas.STARTED,
          finishedCount: deltas.FINISHED,
          failedCount: deltas.FAILED,
          cancelledCount: deltas.CANCELLED,
        }));
      await insertRows(tx, runs, rows, { merge: ADD });
    },
  };
}
