import type { TaskCounts } from '@conveyor/messages';

/** Terminal tasks over the last window, per run: the rate behind tasks/s and the ETA. */
export function createRateTracker(windowMs: number) {
  const samples = new Map<string, { at: number; done: number }[]>();
  return {
    /** Records `done` terminal tasks at `at` (ms) and returns tasks per second over the window. */
    observe(runId: string, done: number, at: number): number {
      const list = samples.get(runId) ?? [];
      list.push({ at, done });
      while (list.length > 2 && (list[0]?.at ?? at) < at - windowMs) list.shift();
      samples.set(runId, list);
      const first = list[0];
      if (!first || at - first.at <= 0) return 0;
      return ((done - first.done) * 1000) / (at - first.at);
    },
    forget(runId: string): void {
      samples.delete(runId);
    },
  };
}

export function terminalCount(counts: TaskCounts): number {
  return counts.finished + counts.failed + counts.cancelled;
}

export function percentDone(counts: TaskCounts): number {
  if (counts.total === 0) return 0;
  return Math.min(100, (terminalCount(counts) * 100) / counts.total);
}

/** Seconds until every task is terminal at the current rate; null while the rate is unknown. */
export function etaSeconds(counts: TaskCounts, tasksPerSecond: number): number | null {
  const left = counts.total - terminalCount(counts);
  if (left <= 0) return 0;
  if (tasksPerSecond <= 0) return null;
  return left / tasksPerSecond;
}
