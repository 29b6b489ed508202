import { findStalledTasks } from '@conveyor/db';
import { republishCancellations } from './handlers/cancellation.js';
import { completeRuns, republishCompletions, type CompletionDeps } from './handlers/completion.js';

/**
 * The periodic poll behind the event-driven path: completes runs whose completing batch was missed
 * (a crash between commit and publish), republishes claimed but unpublished completions and
 * recorded but unpublished cancellations, and
 * refreshes the list of stalled tasks.
 */
export function startSafetyNet(
  deps: CompletionDeps & {
    intervalMs: number;
    stallTimeoutMs: number;
    onStalled: (byRun: Map<string, string[]>) => void;
  },
) {
  let running: Promise<void> = Promise.resolve();
  // Completions found unpublished by the last poll: republished only if they still are at the next.
  const unpublished = new Set<string>();
  const tick = async () => {
    await completeRuns(undefined, deps);
    await republishCompletions(deps, unpublished);
    await republishCancellations(deps);
    const stalled = await findStalledTasks(deps.db, { olderThanMs: deps.stallTimeoutMs, now: new Date() });
    const byRun = new Map<string, string[]>();
    for (const task of stalled) byRun.set(task.runId, [...(byRun.get(task.runId) ?? []), task.taskId]);
    deps.onStalled(byRun);
  };
  const timer = setInterval(() => {
    running = tick().catch((error: unknown) => deps.logger.warn({ err: error }, 'safety-net poll failed'));
  }, deps.intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
