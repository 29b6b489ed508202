import type { ConveyorNotification } from '@conveyor/messages';
import { Repeater } from 'graphql-yoga';

type Heartbeat = Extract<ConveyorNotification, { type: 'worker.heartbeat' }>;

/** A worker as the gateway last heard of it. Times are the gateway's (ms since the epoch). */
export type WorkerView = Omit<Heartbeat['data'], 'workerId' | 'stopping'> & {
  id: string;
  /** Heard from within its timeout, and not stopping. */
  alive: boolean;
  /** It said goodbye (`stopping: true`) rather than going silent. */
  stopped: boolean;
  lastSeenAt: number;
  /** Tasks finished per second, from its counter's growth over the last RATE_WINDOW_MS. */
  tasksPerSecond: number;
};

/** Beats a worker may miss before it counts as gone. */
const MISSED_BEATS = 3;
/** A gone worker stays listed (with `alive: false`) this long (ms), then is forgotten. */
const GONE_KEPT_MS = 60 * 60_000;
/** The window of the tasks/s rate (ms). */
const RATE_WINDOW_MS = 30_000;

/**
 * `samples` are timed by the worker's clock (`occurredAt`): a rate needs one clock, and the broker may
 * deliver two heartbeats at once. `lastSeenAt` is the gateway's: liveness must not trust a skewed clock.
 */
type Entry = { last: Heartbeat['data']; lastSeenAt: number; samples: { at: number; done: number }[] };

/**
 * The workers this gateway replica hears of, fed by `worker.heartbeat` notifications of its broker
 * queue (every replica hears every worker). In memory: a restarted gateway knows them again after
 * one heartbeat interval.
 */
export function createWorkerRegistry(now: () => number) {
  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();

  const view = (id: string, entry: Entry, at: number): WorkerView => {
    const { workerId: _id, stopping, ...data } = entry.last;
    const first = entry.samples[0]!;
    const latest = entry.samples[entry.samples.length - 1]!;
    const seconds = (latest.at - first.at) / 1000;
    const alive = !stopping && at - entry.lastSeenAt <= MISSED_BEATS * data.heartbeatMs;
    return {
      ...data,
      id,
      alive,
      stopped: stopping,
      lastSeenAt: entry.lastSeenAt,
      tasksPerSecond: alive && seconds > 0 ? Math.max(0, latest.done - first.done) / seconds : 0,
    };
  };

  const list = (options: { includeGone: boolean }): WorkerView[] => {
    const at = now();
    const views: WorkerView[] = [];
    for (const [id, entry] of entries) {
      if (at - entry.lastSeenAt > GONE_KEPT_MS) entries.delete(id);
      else views.push(view(id, entry, at));
    }
    return views
      .filter((worker) => options.includeGone || worker.alive)
      .sort((a, b) => a.id.localeCompare(b.id));
  };

  return {
    record: (heartbeat: Heartbeat): void => {
      const at = now();
      const { workerId } = heartbeat.data;
      const entry = entries.get(workerId);
      // A worker restarted under the same id starts its counter again.
      const restarted = entry && entry.last.startedAt !== heartbeat.data.startedAt;
      const samples = entry && !restarted ? entry.samples : [];
      const sentAt = Date.parse(heartbeat.occurredAt);
      samples.push({ at: sentAt, done: heartbeat.data.tasksDone });
      while (samples.length > 2 && sentAt - samples[0]!.at > RATE_WINDOW_MS) samples.shift();
      entries.set(workerId, { last: heartbeat.data, lastSeenAt: at, samples });
      listeners.forEach((listener) => listener());
    },
    list,
    /** What the live workers offer: each calculation with its versions and how many workers offer it. */
    calculations: () => {
      const offered = new Map<string, { name: string; versions: Set<string>; workers: number }>();
      for (const worker of list({ includeGone: false })) {
        for (const { name, version } of worker.calculations) {
          const entry = offered.get(name) ?? { name, versions: new Set<string>(), workers: 0 };
          entry.versions.add(version);
          entry.workers += 1;
          offered.set(name, entry);
        }
      }
      return [...offered.values()]
        .map((entry) => ({ ...entry, versions: [...entry.versions].sort() }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    /**
     * The `workers` subscription: the list now, then again whenever it changes — a heartbeat, or a
     * worker that went silent (looked at every `tickMs`). Heartbeats that arrive together send one list.
     */
    stream: (options: { includeGone: boolean; tickMs?: number }): Repeater<WorkerView[]> =>
      new Repeater<WorkerView[]>(async (push, stop) => {
        let wake: (() => void) | undefined;
        let changed = true;
        const listener = () => {
          changed = true;
          wake?.();
        };
        listeners.add(listener);
        let lastAlive = '';
        try {
          let open = true;
          void stop.then(() => {
            open = false;
            wake?.();
          });
          while (open) {
            const workers = list(options);
            const alive = workers.map((w) => `${w.id}:${w.alive}`).join(',');
            if (changed || alive !== lastAlive) await push(workers);
            changed = false;
            lastAlive = alive;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.tickMs ?? 1000);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
        } finally {
          listeners.delete(listener);
        }
      }),
  };
}

export type WorkerRegistry = ReturnType<typeof createWorkerRegistry>;
