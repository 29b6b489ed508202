import { getRun, readRunProgress, type Database } from '@conveyor/db';
import {
  createNotification,
  isTerminalRunStatus,
  type ConveyorNotification,
  type RunProgress,
} from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

/**
 * The most of its time the poller spends reading one run's progress: after a read that took d ms, the
 * next waits at least d / READ_SHARE. A run's counts cost grows with the run (a GROUP BY over its
 * tasks: ~80 ms at 100,000 tasks, measured), and read every `PROGRESS_THROTTLE_MS` they would take a
 * third of a database core while the run's own events wait.
 */
export const READ_SHARE = 0.1;

/** A run's progress as the poller publishes it, read from the projection; undefined for an unknown run. */
export function progressReader(db: Database) {
  return async (runId: string, nowMs: number): Promise<RunProgress | undefined> => {
    const run = await getRun(db, runId);
    return run ? readRunProgress(db, run, nowMs) : undefined;
  };
}

/**
 * Sends `run.progress` for runs marked as changed, at most once per `throttleMs` per run, always
 * including the latest state (a change inside the throttle window is sent when the window ends), and
 * never spending more than READ_SHARE of the time reading one run's progress.
 */
export function createProgressPublisher(deps: {
  readProgress: (runId: string, nowMs: number) => Promise<RunProgress | undefined>;
  publishNotification: (notification: ConveyorNotification) => Promise<void>;
  throttleMs: number;
  stalledTaskIds: (runId: string) => string[];
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  /**
   * Per run: when its last read began, the least wait after it, whether a read is under way and
   * whether the run changed meanwhile (it is marked again once that read is done).
   */
  const runs = new Map<string, { sentMs: number; waitMs: number; reading: boolean; changed: boolean }>();
  const scheduled = new Map<string, NodeJS.Timeout>();

  const send = async (runId: string) => {
    scheduled.delete(runId);
    const startedMs = now();
    const state = { sentMs: startedMs, waitMs: deps.throttleMs, reading: true, changed: false };
    runs.set(runId, state);
    try {
      const progress = await deps.readProgress(runId, startedMs);
      state.waitMs = Math.max(deps.throttleMs, (now() - startedMs) / READ_SHARE);
      if (!progress) return;
      const { status, percent, tasksPerSecond, etaSeconds, ...counts } = progress;
      await deps.publishNotification(
        createNotification('run.progress', {
          runId,
          producer: 'poller',
          data: {
            status,
            counts,
            percent,
            tasksPerSecond,
            etaSeconds,
            stalledTaskIds: deps.stalledTaskIds(runId),
          },
        }),
      );
      if (isTerminalRunStatus(status) && !state.changed) runs.delete(runId);
    } finally {
      state.reading = false;
      if (state.changed) markChanged([runId]);
    }
  };

  const sendLogged = (runId: string) => {
    send(runId).catch((error: unknown) =>
      deps.logger.warn({ err: error, runId }, 'progress notification failed'),
    );
  };

  const markChanged = (runIds: string[]): void => {
    for (const runId of runIds) {
      if (scheduled.has(runId)) continue;
      const state = runs.get(runId);
      if (state?.reading) {
        state.changed = true;
        continue;
      }
      const wait = state ? state.sentMs + state.waitMs - now() : 0;
      if (wait <= 0) sendLogged(runId);
      else
        scheduled.set(
          runId,
          setTimeout(() => sendLogged(runId), wait),
        );
    }
  };

  return {
    markChanged,
    stop: (): void => {
      for (const timer of scheduled.values()) clearTimeout(timer);
      scheduled.clear();
    },
  };
}
