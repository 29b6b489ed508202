// The gateway: GraphQL over HTTP, SSE and WebSocket, and the results CSV export.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createDatabase } from '@conveyor/db';
import { createBroker } from '@conveyor/messages';
import {
  createLogger,
  createMetricsRegistry,
  exitOnConfigError,
  handleSignals,
  redactUrl,
  startHealthServer,
} from '@conveyor/runtime';
import { loadConfig, type GatewayConfig } from './config.js';
import { createLiveFeed } from './live/feed.js';
import { createGateway } from './yoga.js';
import { graphqlWsOptions } from './websocket.js';

let config: GatewayConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
logger.info({ amqp: redactUrl(config.AMQP_URL), database: redactUrl(config.DATABASE_URL) }, 'starting');

const database = createDatabase(config.DATABASE_URL);
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

const yoga = createGateway({
  db: database.db,
  publishEvent: broker.publishEvent,
  live,
  token: config.GATEWAY_TOKEN,
  corsOrigins: config.GATEWAY_CORS_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean),
  maxDepth: config.GATEWAY_MAX_DEPTH,
  maxCost: config.GATEWAY_MAX_COST,
});
const server = createServer(yoga);
const sockets = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
const wsServer = useServer(graphqlWsOptions(yoga), sockets);
await new Promise<void>((resolve) => server.listen(config.GATEWAY_PORT, resolve));

const health = await startHealthServer({
  port: config.GATEWAY_HEALTH_PORT,
  registry: createMetricsRegistry('gateway'),
  logger,
  isReady: async () => broker.health().connected && (await database.ping()),
});
logger.info({ port: config.GATEWAY_PORT, healthPort: health.port }, 'ready');

handleSignals(
  {
    stopIntake: async () => {
      await feed.cancel();
      await wsServer.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    drain: () => feed.drained(),
    close: async () => {
      await health.close();
      await broker.close();
      await database.close();
    },
  },
  { graceMs: config.SHUTDOWN_GRACE_MS, logger },
);
