// A run's progress: the one definition of its counts, percent, rate and ETA. The poller's run.progress
// notifications, the gateway's `Run` fields and `runProgress` stream, and the CLI all compute it here.
import { isTerminalRunStatus, type RunStatus, type TaskCounts } from './events.js';

/**
 * The span (ms) over which tasks/s is measured: long enough that a run of minute-long tasks shows a
 * rate, short enough that the ETA follows a change of pace (workers added or lost).
 */
export const RATE_WINDOW_MS = 60_000;

/** An interval in ms since the epoch, both ends included. */
export type RateWindow = { fromMs: number; toMs: number };

export type RunProgress = TaskCounts & {
  status: RunStatus;
  /** 0–100. */
  percent: number;
  tasksPerSecond: number;
  /** Seconds left; 0 once nothing is left, null while unknown (nothing planned, or a rate of 0). */
  etaSeconds: number | null;
};

/**
 * Where tasks/s is measured: the last RATE_WINDOW_MS before now — before the completion once the run is
 * terminal, so a finished run keeps its final rate — and never before the run was planned (a young run:
 * since its planning). Null before the run is planned.
 */
export function rateWindow(
  run: { status: RunStatus; startedAtMs: number | null; completedAtMs: number | null },
  nowMs: number,
): RateWindow | null {
  if (run.startedAtMs === null) return null;
  const toMs = isTerminalRunStatus(run.status) && run.completedAtMs !== null ? run.completedAtMs : nowMs;
  return { fromMs: Math.min(toMs, Math.max(run.startedAtMs, toMs - RATE_WINDOW_MS)), toMs };
}

/** Tasks per second from the tasks that became terminal inside `window`; 0 without one. */
export function windowRate(doneInWindow: number, window: RateWindow | null): number {
  if (!window || window.toMs <= window.fromMs) return 0;
  return (doneInWindow * 1000) / (window.toMs - window.fromMs);
}

/**
 * A run's progress from its status, its task counts, its plan and its rate (`windowRate`):
 * - `total`: the tasks recorded, or the tasks of the first plan when more (run.planned comes before its
 *   tasks.queued batches are all recorded). A retry generation re-queues recorded tasks: total stays.
 * - done: FINISHED + FAILED + CANCELLED tasks. `percent`: done / total × 100, at most 100; a run with
 *   no task at all is at 100 once terminal (its topology failed, say), else at 0.
 * - `etaSeconds`: 0 once the run is terminal or no task is left; else the tasks left at the current
 *   rate; null while nothing is planned yet or the rate is 0 (unknown, not infinite).
 */
export function computeProgress(input: {
  status: RunStatus;
  counts: TaskCounts;
  /** The first plan's task count (`runs.task_count`); null before the run is planned. */
  plannedTasks: number | null;
  tasksPerSecond: number;
}): RunProgress {
  const { status, counts, tasksPerSecond } = input;
  const total = Math.max(counts.total, input.plannedTasks ?? 0);
  const done = counts.finished + counts.failed + counts.cancelled;
  const terminal = isTerminalRunStatus(status);
  const percent = total > 0 ? Math.min(100, (done * 100) / total) : terminal ? 100 : 0;
  const left = total - done;
  const etaSeconds =
    terminal || (total > 0 && left <= 0) ? 0 : total > 0 && tasksPerSecond > 0 ? left / tasksPerSecond : null;
  return { ...counts, total, status, percent, tasksPerSecond, etaSeconds };
}
