import { getRun, readRunProgress, type Database } from '@conveyor/db';
import { createNotification, isTerminalRunStatus, type ConveyorNotification } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

/**
 * Sends `run.progress` for runs marked as changed, at most once per `throttleMs` per run, always
 * including the latest state (a change inside the throttle window is sent when the window ends).
 */
export function createProgressPublisher(deps: {
  db: Database;
  publishNotification: (notification: ConveyorNotification) => Promise<void>;
  throttleMs: number;
  stalledTaskIds: (runId: string) => string[];
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const lastSent = new Map<string, number>();
  const scheduled = new Map<string, NodeJS.Timeout>();

  const send = async (runId: string) => {
    scheduled.delete(runId);
    lastSent.set(runId, now());
    const run = await getRun(deps.db, runId);
    if (!run) return;
    const { status, percent, tasksPerSecond, etaSeconds, ...counts } = await readRunProgress(
      deps.db,
      run,
      now(),
    );
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
    if (isTerminalRunStatus(status)) lastSent.delete(runId);
  };

  const sendLogged = (runId: string) => {
    send(runId).catch((error: unknown) =>
      deps.logger.warn({ err: error, runId }, 'progress notification failed'),
    );
  };

  return {
    markChanged: (runIds: string[]): void => {
      for (const runId of runIds) {
        if (scheduled.has(runId)) continue;
        const wait = (lastSent.get(runId) ?? 0) + deps.throttleMs - now();
        if (wait <= 0) sendLogged(runId);
        else
          scheduled.set(
            runId,
            setTimeout(() => sendLogged(runId), wait),
          );
      }
    },
    stop: (): void => {
      for (const timer of scheduled.values()) clearTimeout(timer);
      scheduled.clear();
    },
  };
}
