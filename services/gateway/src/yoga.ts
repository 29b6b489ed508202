import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Database } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import { createOnce, type Context } from './context.js';
import { useOperationAccess } from './guards/access.js';
import { useExecutionTimeLimit } from './guards/execution-time.js';
import { useQueryCost } from './guards/query-cost.js';
import { checkBearer } from './http/bearer.js';
import { useBodyLimit } from './http/body-limit.js';
import { useCsrfPrevention } from './http/csrf-prevention.js';
import { dashboardResponse } from './http/dashboard.js';
import { useExports, type ExportOptions } from './http/exports.js';
import { useOriginCheck } from './http/origin.js';
import { resultsCsvResponse } from './http/results-csv.js';
import { resultsParquetResponse } from './http/results-parquet.js';
import { useSecurityHeaders } from './http/security-headers.js';
import type { LiveFeed } from './live/feed.js';
import { schema } from './schema/index.js';

export type GatewayOptions = {
  db: Database;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  live: LiveFeed;
  /** When set, every operation and export needs `Authorization: Bearer <token>` (see publicReads). */
  token?: string;
  /** GATEWAY_PUBLIC_READS: queries and exports without the token. */
  publicReads?: boolean;
  /** Origins besides the gateway's own allowed for browser requests (CORS and the origin check). */
  corsOrigins?: string[];
  /** GATEWAY_INTROSPECTION (default on). */
  introspection?: boolean;
  maxDepth: number;
  maxCost: number;
  maxBodyBytes: number;
  /** GATEWAY_MAX_EXECUTION_MS. */
  maxExecutionMs: number;
  /** MAX_TASKS_PER_RUN. */
  maxTasksPerRun: number;
  /** The exports' own pool and their limits. */
  exports: Pick<ExportOptions, 'db' | 'maxConcurrent' | 'idleMs' | 'timeoutMs'>;
  now?: () => number;
  /** More yoga plugins (metrics). */
  plugins?: Plugin[];
};

export type Gateway = ReturnType<typeof createGateway>;

/** The dashboard's files, beside GraphQL on the same port. */
function useDashboard(): Plugin {
  return {
    async onRequest(payload) {
      const { url, request, fetchAPI } = payload;
      if (request.method !== 'GET') return;
      const response = await dashboardResponse(
        url.pathname,
        (body, init) => new fetchAPI.Response(body, init),
      );
      if (response) payload.endResponse(response);
    },
  };
}

/** Schema introspection off: `__schema` and `__type` fail validation (`__typename` still works). */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/** The gateway's HTTP handler (GraphQL at /graphql, the dashboard, the exports), apart from the code that listens. */
export function createGateway(options: GatewayOptions) {
  const now = options.now ?? Date.now;
  const access = { publicReads: options.publicReads ?? false };
  const corsOrigins = options.corsOrigins ?? [];
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    // Errors from inside reach clients as "Unexpected error."; typed errors are part of the schema.
    maskedErrors: true,
    cors: corsOrigins.length
      ? {
          origin: corsOrigins,
          methods: ['GET', 'POST'],
          allowedHeaders: ['authorization', 'content-type', 'accept'],
          credentials: false,
        }
      : false,
    plugins: [
      useSecurityHeaders(),
      useOriginCheck(corsOrigins),
      useBodyLimit(options.maxBodyBytes),
      useCsrfPrevention(),
      EnvelopArmorPlugin({
        maxDepth: { n: options.maxDepth },
        // The cost is guards/query-cost.ts's: armor's ignores variables.
        costLimit: { enabled: false },
        maxAliases: { n: 20 },
        maxDirectives: { n: 20 },
        maxTokens: { n: 2000 },
        blockFieldSuggestion: { enabled: true },
      }),
      ...(options.introspection === false ? [useNoIntrospection()] : []),
      useDashboard(),
      useExports({
        ...access,
        ...options.exports,
        token: options.token,
        formats: { csv: resultsCsvResponse, parquet: resultsParquetResponse },
      }),
      useOperationAccess(access),
      useQueryCost(options.maxCost),
      useExecutionTimeLimit(options.maxExecutionMs),
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
        maxTasksPerRun: options.maxTasksPerRun,
        requestedBy: options.token ? 'token' : 'anonymous',
        once: createOnce(),
      };
    },
  });
}
