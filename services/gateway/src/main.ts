// The gateway: GraphQL over HTTP, SSE and WebSocket, the dashboard, and the results exports.
import { randomUUID } from 'node:crypto';
import { createDatabase } from '@conveyor/db';
import { createBroker } from '@conveyor/messages';
import { bootService, createMetricsRegistry, databaseTimeouts, serveService } from '@conveyor/runtime';
import { corsOrigins, loadConfig } from './config.js';
import { loadDashboard } from './http/dashboard.js';
import { createLiveFeed } from './live/feed.js';
import { createGatewayMetrics } from './metrics.js';
import { startGatewayServer } from './server.js';
import { createGateway } from './yoga.js';

const { config, logger } = bootService('gateway', loadConfig);
// Built here when its bundle is missing or stale (runs from sources); read into memory either way.
await loadDashboard(logger);

const database = createDatabase(config.DATABASE_URL, { timeouts: databaseTimeouts(config) });
// Exports have a pool of their own: slow downloads cannot take the connections queries need.
const exportDatabase = createDatabase(config.DATABASE_URL, {
  poolSize: config.GATEWAY_MAX_EXPORTS,
  // An export streams as long as its download takes: GATEWAY_EXPORT_IDLE_MS/_TIMEOUT_MS bound it instead.
  timeouts: { ...databaseTimeouts(config), queryMs: 0 },
});
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
  follows: live.follows,
});
const registry = createMetricsRegistry('gateway');

const access = { token: config.GATEWAY_TOKEN, corsOrigins: corsOrigins(config) };
const yoga = createGateway({
  db: database.db,
  publishEvent: broker.publishEvent,
  live,
  ...access,
  publicReads: config.GATEWAY_PUBLIC_READS,
  introspection: config.GATEWAY_INTROSPECTION,
  maxDepth: config.GATEWAY_MAX_DEPTH,
  maxCost: config.GATEWAY_MAX_COST,
  maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
  maxExecutionMs: config.GATEWAY_MAX_EXECUTION_MS,
  maxTasksPerRun: config.MAX_TASKS_PER_RUN,
  exports: {
    db: exportDatabase.db,
    maxConcurrent: config.GATEWAY_MAX_EXPORTS,
    idleMs: config.GATEWAY_EXPORT_IDLE_MS,
    timeoutMs: config.GATEWAY_EXPORT_TIMEOUT_MS,
  },
  plugins: [createGatewayMetrics(registry, live.subscribers)],
});
const server = await startGatewayServer({
  yoga,
  port: config.GATEWAY_PORT,
  maxPayloadBytes: config.GATEWAY_MAX_BODY_BYTES,
  webSocketAccess: access,
});
await serveService({
  port: config.GATEWAY_HEALTH_PORT,
  registry,
  logger,
  graceMs: config.SHUTDOWN_GRACE_MS,
  readiness: [() => broker.health().connected, database.ping],
  // The feed first, then the server: open subscriptions end, no new request comes.
  intake: [feed, { cancel: server.close }],
  close: [broker.close, exportDatabase.close, database.close],
  details: {
    port: server.port,
    token: Boolean(config.GATEWAY_TOKEN),
    publicReads: config.GATEWAY_PUBLIC_READS,
  },
});
