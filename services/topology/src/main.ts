// The topology service: on `run.requested`, build and store the topology snapshot.
import { createDatabase } from '@conveyor/db';
import { createBroker } from '@conveyor/messages';
import { bootService, createMetricsRegistry, databaseTimeouts, serveService } from '@conveyor/runtime';
import { loadConfig } from './config.js';
import { handleRunRequested } from './handlers/run-requested.js';

const { config, logger } = bootService('topology', loadConfig);

const database = createDatabase(config.DATABASE_URL, { timeouts: databaseTimeouts(config) });
const broker = await createBroker({ amqpUrl: config.AMQP_URL, namespace: config.CONVEYOR_NAMESPACE, logger });
const registry = createMetricsRegistry('topology');

const subscription = await broker.subscribeEvents({
  consumer: 'topology',
  handler: (event) => {
    if (event.type !== 'run.requested') return Promise.resolve();
    return handleRunRequested(event, {
      db: database.db,
      publishEvent: broker.publishEvent,
      topologyDir: config.TOPOLOGY_DIR,
      limits: { maxNodes: config.MAX_TOPOLOGY_NODES, maxBytes: config.MAX_TOPOLOGY_BYTES },
      logger: logger.child({ runId: event.runId }),
      now: () => new Date(),
    });
  },
});

await serveService({
  port: config.TOPOLOGY_HEALTH_PORT,
  registry,
  logger,
  graceMs: config.SHUTDOWN_GRACE_MS,
  readiness: [() => broker.health().connected, database.ping],
  intake: [subscription],
  close: [broker.close, database.close],
});
