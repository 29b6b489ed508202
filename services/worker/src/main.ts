// The worker: takes tasks, runs their calculation, writes the results, publishes the events, acks.
import { readFileSync } from 'node:fs';
import { getPriority, hostname, setPriority } from 'node:os';
import {
  copyTaskResult,
  createDatabase,
  findReusableResult,
  getRunStatus,
  getSelectionHashes,
  loadTopology,
  writeTaskResults,
} from '@conveyor/db';
import { createBroker } from '@conveyor/messages';
import { bootService, createMetricsRegistry, databaseTimeouts, serveService } from '@conveyor/runtime';
import { loadCalculations } from './calculations/registry.js';
import { createCancellationCheck } from './cancellation.js';
import { loadConfig, type WorkerConfig } from './config.js';
import { createEventBatcher } from './event-batcher.js';
import { handleTask, reportTaskFailure, type TaskDeps } from './handlers/task.js';
import { createWorkerMetrics } from './metrics.js';
import { retryTransient } from './retry.js';
import { createThreadPool } from './threads/pool.js';
import { createTopologyCache } from './topology-cache.js';
import { createWorkerLoad, startWorkerHeartbeat } from './worker-heartbeat.js';

/** How long a database outage may delay a task before the task's attempt fails (ms). */
const DATABASE_RETRY_MS = 120_000;
/** The default WORKER_PREFETCH per slot (config.ts). */
const PREFETCH_MULTIPLIER = 4;
const workerIdOf = (loaded: WorkerConfig) => loaded.WORKER_ID ?? `${hostname()}-${process.pid}`;
const { config, logger } = bootService('worker', loadConfig, (loaded) => ({ workerId: workerIdOf(loaded) }));
const workerId = workerIdOf(config);
// Only raising one's niceness needs no privilege: a worker started nicer than asked stays so.
if (getPriority() < config.WORKER_NICE) setPriority(config.WORKER_NICE);

const calculations = await loadCalculations(config.CALCULATION_MODULES);
const database = createDatabase(config.DATABASE_URL, { timeouts: databaseTimeouts(config) });
const broker = await createBroker({ amqpUrl: config.AMQP_URL, namespace: config.CONVEYOR_NAMESPACE, logger });
const threads = createThreadPool(config.WORKER_CONCURRENCY);
const registry = createMetricsRegistry('worker');
const metrics = createWorkerMetrics(registry);
const load = createWorkerLoad();
// The same file beside src/ and dist/.
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Each snapshot's selection hashes (for `reuse` and stored with every result partition), cached as snapshots are.
const selectionHashes = createTopologyCache(
  (id) =>
    retryTransient(() => getSelectionHashes(database.db, id), {
      what: 'selection hashes load',
      timeoutMs: DATABASE_RETRY_MS,
      logger,
    }),
  config.WORKER_TOPOLOGY_CACHE,
);

const deps: TaskDeps = {
  workerId,
  calculations,
  publishEvent: createEventBatcher(broker.publishEventBatch, {
    maxEvents: config.WORKER_FLUSH_EVENTS,
    flushMs: config.WORKER_FLUSH_MS,
    idle: () => load.computing() === 0,
  }),
  publishNotification: broker.publishNotification,
  isRunCancelled: createCancellationCheck({
    read: async (runId) => (await getRunStatus(database.db, runId))?.cancelRequested ?? false,
    ttlMs: 1000,
    logger,
  }),
  loadTopology: createTopologyCache(
    (id) =>
      retryTransient(() => loadTopology(database.db, id), {
        what: 'topology load',
        timeoutMs: DATABASE_RETRY_MS,
        logger,
      }),
    config.WORKER_TOPOLOGY_CACHE,
  ),
  selectionHash: async (topologyId, selection) => (await selectionHashes(topologyId))?.[selection] ?? null,
  reuse: {
    find: (cell) =>
      retryTransient(() => findReusableResult(database.db, cell), {
        what: 'reusable result lookup',
        timeoutMs: DATABASE_RETRY_MS,
        logger,
      }),
    copy: (copy, signal) =>
      retryTransient(() => copyTaskResult(database.db, copy), {
        what: 'result copy',
        timeoutMs: DATABASE_RETRY_MS,
        logger,
        signal,
      }),
  },
  runInThread: threads.runInThread,
  writeResults: (result, signal) =>
    retryTransient(() => writeTaskResults(database.db, result), {
      what: 'result write',
      timeoutMs: DATABASE_RETRY_MS,
      logger,
      signal,
    }),
  heartbeatMs: config.WORKER_HEARTBEAT_MS,
  startedAfterMs: config.WORKER_STARTED_AFTER_MS,
  logger,
  now: () => new Date(),
  onTaskDone: (calculation, outcome, seconds) => {
    if (outcome !== 'cancelled') load.taskDone();
    metrics.tasks.inc({ calculation, outcome });
    metrics.duration.observe({ calculation }, seconds);
  },
};

const subscription = await broker.subscribeTasks({
  concurrency: config.WORKER_CONCURRENCY,
  prefetch: config.WORKER_PREFETCH ?? PREFETCH_MULTIPLIER * config.WORKER_CONCURRENCY,
  maxAttempts: config.TASK_MAX_ATTEMPTS,
  retryBaseMs: config.TASK_RETRY_BASE_MS,
  handler: (task, context) =>
    load.track((computed) =>
      handleTask(
        task,
        {
          ...context,
          releaseSlot: () => {
            computed();
            context.releaseSlot();
          },
        },
        deps,
      ),
    ),
  onFailure: (task, error, decision) => {
    metrics.tasks.inc({ calculation: task.calculation, outcome: decision.final ? 'failed' : 'retried' });
    return reportTaskFailure(task, error, decision, deps);
  },
});

const heartbeat = startWorkerHeartbeat(
  {
    workerId,
    host: hostname(),
    version: packageJson.version,
    calculations: [...calculations.values()].map(({ name, version }) => ({ name, version })),
    slots: config.WORKER_CONCURRENCY,
    heartbeatMs: config.WORKER_HEARTBEAT_MS,
  },
  { load, publishNotification: broker.publishNotification, now: () => new Date() },
);

await serveService({
  port: config.WORKER_HEALTH_PORT,
  registry,
  logger,
  graceMs: config.SHUTDOWN_GRACE_MS,
  readiness: [() => broker.health().connected, database.ping],
  intake: [subscription],
  // The last heartbeat says `stopping` before the broker closes.
  close: [heartbeat.stop, threads.close, broker.close, database.close],
  details: { concurrency: config.WORKER_CONCURRENCY },
});
