import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { BOUNDS, MAX_BATCH_EVENTS } from '@conveyor/messages';
import {
  nonNegativeInt,
  loadConfig as parseEnvironment,
  port,
  positiveInt,
  sharedEnv,
} from '@conveyor/runtime';

export const WorkerConfig = z
  .object({
    ...sharedEnv,
    WORKER_HEALTH_PORT: port.default(9103),
    /**
     * Tasks computed at once by this process, one per worker thread. Default: the CPUs this process may
     * use (`os.availableParallelism()`, which follows the container's CPU limit).
     */
    WORKER_CONCURRENCY: positiveInt.default(availableParallelism()),
    /**
     * Tasks this process holds at once (the broker prefetch): running, reporting or next in line.
     * Default: four times WORKER_CONCURRENCY (Celery's prefetch multiplier): a task is acked only once
     * its events are confirmed, tens of ms on a quorum queue, and a slot must not wait for that to take
     * its next task — tasks shorter than the confirm need the depth. Set it to WORKER_CONCURRENCY for
     * long tasks, so that a new worker finds them queued.
     */
    WORKER_PREFETCH: positiveInt.optional(),
    /**
     * Attempts of a task that fails transiently, the first included, before it is dead-lettered; at
     * most 1,000, the bound of an event's `attempt` (BOUNDS.attempt).
     */
    TASK_MAX_ATTEMPTS: positiveInt.max(BOUNDS.attempt).default(3),
    /** First retry delay (ms); each further attempt doubles it, with ±20 % jitter. */
    TASK_RETRY_BASE_MS: positiveInt.default(1000),
    /** A running task sends a `task.heartbeat` this often (ms), and the worker its `worker.heartbeat`. */
    WORKER_HEARTBEAT_MS: positiveInt.default(5000),
    /**
     * Longest wait (ms) of a task event for others to share its batch message (DESIGN §2.4): a
     * broker message and a confirm per window instead of per event; a task's ack waits that long more.
     * Only while another task of this worker still computes: an event that finds none goes out at once.
     */
    WORKER_FLUSH_MS: positiveInt.default(20),
    /** Most task events in one batch message: a full window goes out at once. */
    WORKER_FLUSH_EVENTS: positiveInt.max(MAX_BATCH_EVENTS).default(250),
    /**
     * A task still running after this long (ms) publishes `task.started`; a shorter one goes from
     * QUEUED to FINISHED with one event. 0: every task announces its start at once.
     */
    WORKER_STARTED_AFTER_MS: nonNegativeInt.default(1000),
    /** Extra calculation plug-ins: comma-separated module paths, each exporting `calculations`. */
    CALCULATION_MODULES: z.string().optional(),
    /** Distinct topology snapshots kept in memory. */
    WORKER_TOPOLOGY_CACHE: positiveInt.default(8),
    /**
     * CPU priority (nice, 0–19) the worker gives itself at start. Tasks are batch work: on a host the
     * worker shares, the broker, the database, the poller and the gateway get the CPU first.
     */
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
    /** Names this worker in events and logs; defaults to the host name and process id. */
    WORKER_ID: z.string().min(1).max(128).optional(),
  })
  .refine((config) => (config.WORKER_PREFETCH ?? Infinity) >= config.WORKER_CONCURRENCY, {
    path: ['WORKER_PREFETCH'],
    message: 'must be at least WORKER_CONCURRENCY',
  });
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  return parseEnvironment(WorkerConfig, env);
}
