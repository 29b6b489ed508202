import type { Database } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import type { LiveFeed } from './live/feed.js';

/** What every resolver receives (one per request, or per WebSocket subscription). */
export type Context = {
  db: Database;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  live: LiveFeed;
  /** ms since the epoch; a parameter so that durations and ETAs can be tested. */
  now: () => number;
  /** False when GATEWAY_TOKEN is set and the request did not carry it (guards/access.ts decides what it may do). */
  authorized: boolean;
  /** MAX_TASKS_PER_RUN: startRun refuses a request it can count over it. */
  maxTasksPerRun: number;
  /** Who asked, for `run.requested` / `run.cancel-requested`: `token` or `anonymous`. */
  requestedBy: string;
  /**
   * Computes a value once per object (the counts several fields of one run need). Keyed by the object,
   * not its id: a subscription keeps its context, and each value it sends is a new object.
   */
  once: <T>(owner: object, key: string, compute: () => Promise<T>) => Promise<T>;
};

/** The memo of `Context.once`, one per context. */
export function createOnce(): Context['once'] {
  const memo = new WeakMap<object, Map<string, Promise<unknown>>>();
  return <T>(owner: object, key: string, compute: () => Promise<T>) => {
    const values = memo.get(owner) ?? new Map<string, Promise<unknown>>();
    memo.set(owner, values);
    let value = values.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      values.set(key, value);
    }
    return value;
  };
}
