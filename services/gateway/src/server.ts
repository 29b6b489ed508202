import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { graphqlWsOptions, type WebSocketAccess } from './websocket.js';
import type { Gateway } from './yoga.js';

export type GatewayServer = { port: number; close: () => Promise<void> };

/** Serves the gateway over HTTP (GraphQL, SSE, dashboard, CSV) and WebSocket (graphql-ws) on one port. */
export async function startGatewayServer(options: {
  yoga: Gateway;
  port: number;
  host?: string;
  /** Largest WebSocket message (bytes). */
  maxPayloadBytes: number;
  /** Who may open a WebSocket: the token and the allowed origins (as for HTTP). */
  webSocketAccess: WebSocketAccess;
}): Promise<GatewayServer> {
  const server = createServer(options.yoga);
  const sockets = new WebSocketServer({
    server,
    path: options.yoga.graphqlEndpoint,
    maxPayload: options.maxPayloadBytes,
  });
  const graphqlWs = useServer(graphqlWsOptions(options.yoga, options.webSocketAccess), sockets);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await graphqlWs.dispose();
      // Open SSE streams would keep close() waiting.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
