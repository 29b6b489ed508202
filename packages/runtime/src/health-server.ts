import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './logger.js';

/** One registry per service, with Node's default process metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export type HealthServer = { port: number; close: () => Promise<void> };

/**
 * `GET /healthz` (the process is alive), `GET /readyz` (its dependencies answer, per `isReady`),
 * `GET /metrics` (Prometheus text format).
 */
export async function startHealthServer(options: {
  port: number;
  registry: Registry;
  isReady: () => boolean | Promise<boolean>;
  logger: Logger;
  host?: string;
}): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    const route = async () => {
      if (request.method !== 'GET') return reply(405, '{"error":"method not allowed"}');
      if (path === '/healthz') return reply(200, '{"status":"ok"}');
      if (path === '/readyz') {
        const ready = await options.isReady();
        return reply(ready ? 200 : 503, JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
      }
      if (path === '/metrics')
        return reply(200, await options.registry.metrics(), options.registry.contentType);
      return reply(404, '{"error":"not found"}');
    };
    route().catch((error: unknown) => {
      options.logger.error({ err: error }, 'health server request failed');
      reply(500, '{"error":"internal"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
