// The gateway: GraphQL over HTTP, SSE and WebSocket, the dashboard, and the results CSV export.
import { randomUUID } from 'node:crypto';
import { createDatabase } from '@conveyor/db';
import { createBroker } from '@conveyor/messages';
import { bootService, createMetricsRegistry, serveService } from '@conveyor/runtime';
import { corsOrigins, loadConfig } from './config.js';
import { createLiveFeed } from './live/feed.js';
import { createGatewayMetrics } from './metrics.js';
import { startGatewayServer } from './server.js';
import { createGateway } from './yoga.js';

const { config, logger } = bootService('gateway', loadConfig);

const database = createDatabase(config.DATABASE_URL);
// Each replica has its own queue of events and notifications, feeding its subscribers.
const broker = await createBroker({
  amqpUrl: config.AMQP_URL,
  namespace: config.CONVEYOR_NAMESPACE,
  gatewayReplicaId: randomUUID().slice(0, 8),
  logger,
});
const live = createLiveFeed(database.db);
const feed = await broker.subscribeFeed({
  subscription: 'gateway',
  handler: async (message) => live.publish(message),
});
const registry = createMetricsRegistry('gateway');

const yoga = createGateway({
  db: database.db,
  publishEvent: broker.publishEvent,
  live,
  token: config.GATEWAY_TOKEN,
  corsOrigins: corsOrigins(config),
  maxDepth: config.GATEWAY_MAX_DEPTH,
  maxCost: config.GATEWAY_MAX_COST,
  maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
  plugins: [createGatewayMetrics(registry, live.subscribers)],
});
const server = await startGatewayServer({
  yoga,
  port: config.GATEWAY_PORT,
  maxPayloadBytes: config.GATEWAY_MAX_BODY_BYTES,
});
await serveService({
  port: config.GATEWAY_HEALTH_PORT,
  registry,
  logger,
  graceMs: config.SHUTDOWN_GRACE_MS,
  readiness: [() => broker.health().connected, database.ping],
  // The feed first, then the server: open subscriptions end, no new request comes.
  intake: [feed, { cancel: server.close }],
  close: [broker.close, database.close],
  details: { port: server.port, token: Boolean(config.GATEWAY_TOKEN) },
});
