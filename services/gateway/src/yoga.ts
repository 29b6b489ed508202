import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Database } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import { createOnce, type Context } from './context.js';
import { checkBearer } from './http/bearer.js';
import { useBodyLimit } from './http/body-limit.js';
import { useCsrfPrevention } from './http/csrf-prevention.js';
import { dashboardResponse } from './http/dashboard.js';
import { resultsCsvResponse } from './http/results-csv.js';
import type { LiveFeed } from './live/feed.js';
import { schema } from './schema/index.js';

export type GatewayOptions = {
  db: Database;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  live: LiveFeed;
  /** When set, mutations and subscriptions need `Authorization: Bearer <token>`. */
  token?: string;
  /** Origins allowed by CORS; none: no cross-origin access. */
  corsOrigins?: string[];
  maxDepth: number;
  maxCost: number;
  maxBodyBytes: number;
  now?: () => number;
  /** More yoga plugins (metrics). */
  plugins?: Plugin[];
};

export type Gateway = ReturnType<typeof createGateway>;

/** The dashboard and the results CSV, beside GraphQL on the same port. */
function usePages(db: Database): Plugin {
  return {
    async onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (request.method !== 'GET') return;
      const respond = (body: string | ReadableStream<Uint8Array>, init: ResponseInit) =>
        new fetchAPI.Response(body, init);
      const response =
        (await dashboardResponse(url.pathname, respond)) ??
        (await resultsCsvResponse(db, url.pathname, respond));
      if (response) payload.endResponse(response);
    },
  };
}

/** The gateway's HTTP handler (GraphQL at /graphql, the dashboard, the CSV), apart from the code that listens. */
export function createGateway(options: GatewayOptions) {
  const now = options.now ?? Date.now;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    // Errors from inside reach clients as "Unexpected error."; typed errors are part of the schema.
    maskedErrors: true,
    cors: options.corsOrigins?.length
      ? { origin: options.corsOrigins, methods: ['GET', 'POST'], credentials: false }
      : false,
    plugins: [
      useBodyLimit(options.maxBodyBytes),
      useCsrfPrevention(),
      EnvelopArmorPlugin({
        maxDepth: { n: options.maxDepth },
        costLimit: { maxCost: options.maxCost },
        maxAliases: { n: 20 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        blockFieldSuggestion: { enabled: true },
      }),
      usePages(options.db),
      ...(options.plugins ?? []),
    ],
    context: ({ request }): Context => {
      const authorized = checkBearer(request.headers.get('authorization'), options.token);
      return {
        db: options.db,
        publishEvent: options.publishEvent,
        live: options.live,
        now,
        authorized,
        requestedBy: options.token ? 'token' : 'anonymous',
        once: createOnce(),
      };
    },
  });
}
