import type { Database } from '@conveyor/db';
import type { ConveyorEvent, ConveyorNotification } from '@conveyor/messages';
import { createChannel, type Channel } from './channel.js';
import { streamRunEvents } from './run-events-stream.js';
import { streamRunProgress } from './run-progress-stream.js';
import { streamRuns } from './runs-stream.js';
import { createWorkerRegistry } from './workers.js';

export type FeedMessage = ConveyorEvent | ConveyorNotification;

export type LiveFeedOptions = {
  /** ms since the epoch (rates and ETAs). */
  now?: () => number;
  /** A subscriber re-reads the database after this long without a message (ms): a lost message never strands it. */
  recheckMs?: number;
  /** How long a subscriber waits for a just-requested run to be recorded before "no run" (ms). */
  newRunWaitMs?: number;
};

/** What the streams share: the database, the clock, the timings, and a way to open a channel. */
export type StreamDeps = {
  db: Database;
  now: () => number;
  recheckMs: number;
  newRunWaitMs: number;
  /** A channel of the messages of one run, or of every run (null). */
  open: (runId: string | null) => Channel<FeedMessage>;
};

/**
 * The gateway replica's live view: every event and notification of its own broker queue is pushed to
 * the subscribers of its run and to the subscribers of all runs (worker heartbeats to the registry
 * of workers). Each subscription first reads the
 * current state from the database, then follows the messages.
 */
export function createLiveFeed(db: Database, options: LiveFeedOptions = {}) {
  const byRun = new Map<string, Set<Channel<FeedMessage>>>();
  const all = new Set<Channel<FeedMessage>>();
  const workers = createWorkerRegistry(options.now ?? Date.now);

  const open = (runId: string | null): Channel<FeedMessage> => {
    const listeners = runId === null ? all : (byRun.get(runId) ?? new Set());
    if (runId !== null) byRun.set(runId, listeners);
    const channel = createChannel<FeedMessage>(() => {
      listeners.delete(channel);
      if (runId !== null && listeners.size === 0) byRun.delete(runId);
    });
    listeners.add(channel);
    return channel;
  };
  const deps: StreamDeps = {
    db,
    now: options.now ?? Date.now,
    recheckMs: options.recheckMs ?? 5_000,
    newRunWaitMs: options.newRunWaitMs ?? 10_000,
    open,
  };

  return {
    /** Hands a message of the broker feed to its subscribers. */
    publish: (message: FeedMessage): void => {
      // Heartbeats of workers belong to no run: they feed the registry only.
      if (message.type === 'worker.heartbeat') return workers.record(message);
      byRun.get(message.runId)?.forEach((channel) => channel.push(message));
      all.forEach((channel) => channel.push(message));
    },
    /** Whether a subscriber follows the run's messages (of that run, or of every run). */
    follows: (runId: string): boolean => all.size > 0 || byRun.has(runId),
    runProgress: (runId: string) => streamRunProgress(deps, runId),
    runEvents: (runId: string) => streamRunEvents(deps, runId),
    runs: () => streamRuns(deps),
    /** The workers heard of (`worker.heartbeat`), and what they offer. */
    workers,
    /** Open subscriptions (for /metrics). */
    subscribers: (): number => all.size + [...byRun.values()].reduce((sum, set) => sum + set.size, 0),
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
