import type { TaskCounts, TerminalRunStatus } from '@conveyor/messages';
import { datetimeMs } from '../datetime.js';

/** What the poller publishes as `run.completed` for a run's generation. */
export type Completion = {
  runId: string;
  generation: number;
  status: TerminalRunStatus;
  counts: TaskCounts;
  durationMs: number;
  reason?: string;
};

/**
 * The outcome of a finished generation: a run that failed before it was planned is FAILED with that
 * reason; else CANCELLED when cancellation was requested, FAILED when a task failed, SUCCEEDED.
 */
export function decideOutcome(run: {
  plannedCount: number | null;
  reason: string | null;
  cancelRequested: boolean;
  counts: TaskCounts;
}): Pick<Completion, 'status' | 'reason'> {
  if (run.plannedCount === null)
    return { status: 'FAILED', reason: run.reason ?? 'the run failed before it was planned' };
  if (run.cancelRequested) return { status: 'CANCELLED', reason: 'cancelled on request' };
  if (run.counts.failed > 0)
    return { status: 'FAILED', reason: `${run.counts.failed} of ${run.counts.total} tasks failed` };
  return { status: 'SUCCEEDED' };
}

/** ms from the run's request (DATETIME text, UTC) to `now`. */
export function durationSince(requestedAt: string | null, now: Date): number {
  return requestedAt ? Math.max(0, now.getTime() - datetimeMs(requestedAt)) : 0;
}
