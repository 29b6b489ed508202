// A listening gateway fed by the broker as in production: a test database, a broker namespace, the
// replica's feed queue, and a broker to publish what the poller would.
import { createTestDatabase } from '@conveyor/db/testing';
import { createTestBroker, createTestNamespace } from '@conveyor/messages/testing';
import { createLogger } from '@conveyor/runtime';
import { createLiveFeed, type LiveFeedOptions } from '../../src/live/feed.js';
import { startGatewayServer, type GatewayServer } from '../../src/server.js';
import type { GatewayOptions } from '../../src/yoga.js';
import { createTestGateway } from './gateway.js';

export type FedGateway = Awaited<ReturnType<typeof startFedGateway>>;

export async function startFedGateway(replicaId: string, feedOptions: LiveFeedOptions = {}) {
  const database = await createTestDatabase();
  const namespace = await createTestNamespace();
  const logger = createLogger({ service: 'gateway-test', level: 'silent' });
  const brokerOptions = { amqpUrl: namespace.amqpUrl, namespace: namespace.namespace, logger };
  const gatewayBroker = await createTestBroker({ ...brokerOptions, gatewayReplicaId: replicaId });
  const publisher = await createTestBroker(brokerOptions);
  const live = createLiveFeed(database.db, feedOptions);
  const feed = await gatewayBroker.subscribeFeed({
    subscription: 'gateway',
    handler: async (m) => live.publish(m),
  });
  const servers: GatewayServer[] = [];
  /** Starts a server on a free port over this feed (`token`: every operation and connection needs it). */
  const listen = async (options: Partial<GatewayOptions> = {}) => {
    const gateway = createTestGateway(database, { ...options, live });
    const server = await startGatewayServer({
      yoga: gateway.yoga,
      port: 0,
      host: '127.0.0.1',
      maxPayloadBytes: 100_000,
      webSocketAccess: { token: options.token, corsOrigins: options.corsOrigins ?? [] },
    });
    servers.push(server);
    // What this server published (startRun, cancelRun, …), kept by the test gateway.
    return Object.assign(server, { published: gateway.published });
  };
  const close = async () => {
    for (const server of servers) await server.close();
    await feed.cancel();
    await gatewayBroker.close();
    await publisher.close();
    await namespace.cleanup();
    await database.close();
  };
  return { database, namespace, publisher, live, listen, close };
}
