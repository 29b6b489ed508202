// A run's progress from its projected row and its task counts: what `Run` and `runProgress` show.
import { datetimeMs, type Run } from '@conveyor/db';
import { isTerminalRunStatus, type RunStatus, type TaskCounts } from '@conveyor/messages';

export type RunProgress = TaskCounts & {
  runId: string;
  status: RunStatus;
  /** 0–100: tasks in a terminal state over all planned tasks. */
  percent: number;
  tasksPerSecond: number;
  /** Seconds left at the current rate; 0 once terminal, null while unknown. */
  etaSeconds: number | null;
};

/**
 * Progress from the database. The rate is the average since the run was planned (the live
 * `run.progress` notifications carry the poller's rate over its recent window instead).
 */
export function progressOf(run: Run, counts: TaskCounts, now: number): RunProgress {
  const total = Math.max(counts.total, run.taskCount ?? 0);
  const done = counts.finished + counts.failed + counts.cancelled;
  const terminal = isTerminalRunStatus(run.status);
  const percent = total ? (done * 100) / total : terminal ? 100 : 0;
  const end = terminal && run.completedAt ? datetimeMs(run.completedAt) : now;
  const seconds = run.startedAt ? (end - datetimeMs(run.startedAt)) / 1000 : 0;
  const tasksPerSecond = seconds > 0 ? done / seconds : 0;
  const etaSeconds = terminal ? 0 : tasksPerSecond > 0 && total ? (total - done) / tasksPerSecond : null;
  return { runId: run.id, status: run.status, ...counts, total, percent, tasksPerSecond, etaSeconds };
}
