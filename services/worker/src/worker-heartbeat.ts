import {
  WORKER_NOTIFICATION_RUN_ID,
  createNotification,
  type ConveyorNotification,
} from '@conveyor/messages';

/** What a worker counts for its announcements: slots in use and tasks finished. */
export type WorkerLoad = {
  /**
   * Around one task's handling: a slot is busy until it settles. The task computes until it calls
   * `computed` (its slot released, only its confirms awaited) or settles.
   */
  track: <T>(work: (computed: () => void) => Promise<T>) => Promise<T>;
  taskDone: () => void;
  busySlots: () => number;
  /** Tasks still computing: each will publish an event soon. */
  computing: () => number;
  tasksDone: () => number;
};

export function createWorkerLoad(): WorkerLoad {
  let busy = 0;
  let computing = 0;
  let done = 0;
  return {
    track: async (work) => {
      busy += 1;
      computing += 1;
      let computed = false;
      const markComputed = () => {
        if (!computed) computing -= 1;
        computed = true;
      };
      try {
        return await work(markComputed);
      } finally {
        markComputed();
        busy -= 1;
      }
    },
    taskDone: () => void (done += 1),
    busySlots: () => busy,
    computing: () => computing,
    tasksDone: () => done,
  };
}

export type WorkerAnnouncement = {
  workerId: string;
  host: string;
  version: string;
  calculations: { name: string; version: string }[];
  slots: number;
  heartbeatMs: number;
};

/**
 * `worker.heartbeat` now, every `heartbeatMs`, and once more with `stopping: true` from the returned
 * stop (before the broker closes). A lost beat is only skipped: the next one says the same and more.
 */
export function startWorkerHeartbeat(
  announcement: WorkerAnnouncement,
  deps: {
    load: WorkerLoad;
    publishNotification: (notification: ConveyorNotification) => Promise<void>;
    now: () => Date;
  },
): { stop: () => Promise<void> } {
  const startedAt = deps.now().toISOString();
  const beat = (stopping: boolean) =>
    deps
      .publishNotification(
        createNotification('worker.heartbeat', {
          runId: WORKER_NOTIFICATION_RUN_ID,
          producer: 'worker',
          now: deps.now(),
          data: {
            ...announcement,
            busySlots: deps.load.busySlots(),
            tasksDone: deps.load.tasksDone(),
            startedAt,
            stopping,
          },
        }) as ConveyorNotification,
      )
      .catch(() => undefined);
  void beat(false);
  const timer = setInterval(() => void beat(false), announcement.heartbeatMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await beat(true);
    },
  };
}
