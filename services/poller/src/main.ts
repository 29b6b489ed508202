// The poller: records every event, projects runs and run_process, completes runs, publishes progress.
import { createDatabase } from '@conveyor/db';
import { createBroker } from '@conveyor/messages';
import { bootService, createMetricsRegistry, databaseTimeouts, serveService } from '@conveyor/runtime';
import { loadConfig } from './config.js';
import { handleEventBatch } from './handlers/event-batch.js';
import { handleHeartbeat } from './handlers/heartbeat.js';
import { createPollerMetrics } from './metrics.js';
import { createProgressPublisher, progressReader } from './progress-publisher.js';
import { startSafetyNet } from './safety-net.js';

const { config, logger } = bootService('poller', loadConfig);

const database = createDatabase(config.DATABASE_URL, { timeouts: databaseTimeouts(config) });
const broker = await createBroker({ amqpUrl: config.AMQP_URL, namespace: config.CONVEYOR_NAMESPACE, logger });
const registry = createMetricsRegistry('poller');
const metrics = createPollerMetrics(registry);

let stalledByRun = new Map<string, string[]>();
const progress = createProgressPublisher({
  readProgress: progressReader(database.db),
  publishNotification: broker.publishNotification,
  throttleMs: config.PROGRESS_THROTTLE_MS,
  stalledTaskIds: (runId) => stalledByRun.get(runId) ?? [],
  logger,
});
const completionDeps = {
  db: database.db,
  publishEvents: broker.publishEvents,
  logger,
  onCompleted: (completion: { status: string }) => metrics.completed.inc({ status: completion.status }),
  claimPauseMs: config.POLLER_FAILPOINT_CLAIM_PAUSE_MS,
};

const subscription = await broker.subscribeEventBatches({
  consumer: 'poller',
  maxBatch: config.POLLER_BATCH_SIZE,
  maxWaitMs: config.POLLER_BATCH_WAIT_MS,
  concurrency: config.POLLER_CONCURRENCY,
  prefetch: config.POLLER_PREFETCH,
  handler: async (events) => {
    const now = Date.now();
    for (const event of events) metrics.lag.observe((now - Date.parse(event.occurredAt)) / 1000);
    metrics.batchSize.observe(events.length);
    await handleEventBatch(events, {
      ...completionDeps,
      markChanged: progress.markChanged,
      onRecorded: (inserted, received) => {
        metrics.events.inc(inserted);
        metrics.duplicates.inc(received - inserted);
      },
    });
  },
});

const heartbeats = await broker.subscribeFeed({
  subscription: 'heartbeats',
  handler: (message) => handleHeartbeat(message, { db: database.db }),
});

const safetyNet = startSafetyNet({
  ...completionDeps,
  intervalMs: config.POLLER_INTERVAL_MS,
  stallTimeoutMs: config.STALL_TIMEOUT_MS,
  onStalled: (byRun) => {
    stalledByRun = byRun;
    metrics.stalled.set([...byRun.values()].reduce((sum, ids) => sum + ids.length, 0));
    progress.markChanged([...byRun.keys()]);
  },
});

await serveService({
  port: config.POLLER_HEALTH_PORT,
  registry,
  logger,
  graceMs: config.SHUTDOWN_GRACE_MS,
  readiness: [() => broker.health().connected, database.ping],
  intake: [subscription, heartbeats],
  close: [progress.stop, safetyNet.stop, broker.close, database.close],
});
