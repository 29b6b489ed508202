// The leader: plans runs into tasks and publishes them; re-queues failed tasks on request; turns
// tasks the broker dead-lettered into final task.failed events.
import { createDatabase } from '@conveyor/db';
import { DEFAULT_DELIVERY_LIMIT, createBroker } from '@conveyor/messages';
import { bootService, createMetricsRegistry, databaseTimeouts, serveService } from '@conveyor/runtime';
import { loadConfig } from './config.js';
import { handleRunRetryRequested } from './handlers/run-retry-requested.js';
import { handleTaskDeadLettered } from './handlers/task-dead-lettered.js';
import { handleTopologyBuilt } from './handlers/topology-built.js';

const { config, logger } = bootService('leader', loadConfig);

const database = createDatabase(config.DATABASE_URL, { timeouts: databaseTimeouts(config) });
const broker = await createBroker({ amqpUrl: config.AMQP_URL, namespace: config.CONVEYOR_NAMESPACE, logger });
const registry = createMetricsRegistry('leader');

const subscription = await broker.subscribeEvents({
  consumer: 'leader',
  handler: (event, context) => {
    const deps = {
      db: database.db,
      publishEvents: broker.publishEvents,
      publishTasks: broker.publishTasks,
      logger: logger.child({ runId: event.runId }),
      batchSize: config.LEADER_PUBLISH_BATCH,
      maxTasksPerRun: config.MAX_TASKS_PER_RUN,
      now: () => new Date(),
    };
    if (event.type === 'topology.built') return handleTopologyBuilt(event, deps);
    if (event.type === 'run.retry-requested') return handleRunRetryRequested(event, deps, context);
    return Promise.resolve();
  },
});

// The dead-letter watcher lives here, beside the plan: the leader owns the task messages, and the
// poller stays a recorder of events that several replicas can run without coordination.
const deadTasks = await broker.subscribeDeadTasks({
  handler: (dead) =>
    handleTaskDeadLettered(dead, {
      publishEvents: broker.publishEvents,
      logger,
      deliveryLimit: DEFAULT_DELIVERY_LIMIT,
    }),
});

await serveService({
  port: config.LEADER_HEALTH_PORT,
  registry,
  logger,
  graceMs: config.SHUTDOWN_GRACE_MS,
  readiness: [() => broker.health().connected, database.ping],
  intake: [subscription, deadTasks],
  close: [broker.close, database.close],
});
