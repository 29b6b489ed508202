import { createHash, timingSafeEqual } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Database } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import type { Context } from './context.js';
import type { LiveFeed } from './live/feed.js';
import { dashboardResponse } from './http/dashboard.js';
import { resultsCsvResponse } from './http/results-csv.js';
import { schema } from './schema/index.js';

export type GatewayOptions = {
  db: Database;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  live: LiveFeed;
  token?: string;
  corsOrigins?: string[];
  maxDepth: number;
  maxCost: number;
};

const digest = (value: string) => createHash('sha256').update(value).digest();

/** True when no token is configured, or the request carries it (compared in constant time). */
export function checkBearer(header: string | null, token: string | undefined): boolean {
  if (!token) return true;
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return timingSafeEqual(digest(presented), digest(token));
}

/** The GraphQL server, apart from the code that listens (tests call `yoga.fetch`). */
export function createGateway(options: GatewayOptions) {
  // The dashboard and the results CSV, beside GraphQL on the same port.
  const pages: Plugin = {
    async onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (request.method !== 'GET') return;
      const respond = (body: string | ReadableStream<Uint8Array>, init: ResponseInit) =>
        new fetchAPI.Response(body, init);
      const page = await dashboardResponse(url.pathname, respond);
      if (page) return payload.endResponse(page);
      const response = await resultsCsvResponse(options.db, url.pathname, respond);
      if (response) payload.endResponse(response);
    },
  };
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Internal errors reach clients as "Unexpected error."; typed errors are part of the schema.
    maskedErrors: true,
    cors: options.corsOrigins?.length
      ? { origin: options.corsOrigins, credentials: false, methods: ['GET', 'POST'] }
      : false,
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: options.maxDepth },
        costLimit: { maxCost: options.maxCost },
        maxAliases: { n: 20 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
      }),
      pages,
    ],
    context: ({ request }) => ({
      db: options.db,
      publishEvent: options.publishEvent,
      live: options.live,
      authorized: checkBearer(request.headers.get('authorization'), options.token),
      requestedBy: options.token ? 'token' : 'anonymous',
    }),
  });
}
