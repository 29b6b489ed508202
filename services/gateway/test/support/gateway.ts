import { createTestDatabase } from '@conveyor/db/testing';
import type { ConveyorEvent } from '@conveyor/messages';
import { createLiveFeed, type LiveFeedOptions } from '../../src/live/feed.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/yoga.js';

export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

export const TOKEN = 'a-long-enough-test-token';

/** The configuration's defaults (config.ts), for a gateway built in a test. */
export const GATEWAY_LIMITS = {
  maxDepth: 10,
  maxCost: 20_000,
  maxBodyBytes: 100_000,
  maxExecutionMs: 10_000,
  maxTasksPerRun: 100_000,
};
export const EXPORT_LIMITS = { maxConcurrent: 4, idleMs: 30_000, timeoutMs: 900_000 };

/** A gateway over a test database; published events are kept in `published`. */
export function createTestGateway(
  database: TestDatabase,
  options: Partial<GatewayOptions> & { feed?: LiveFeedOptions } = {},
) {
  const published: ConveyorEvent[] = [];
  const live = options.live ?? createLiveFeed(database.db, options.feed);
  const yoga = createGateway({
    db: database.db,
    publishEvent: async (event) => void published.push(event),
    ...GATEWAY_LIMITS,
    exports: { db: options.db ?? database.db, ...EXPORT_LIMITS },
    ...options,
    live,
  });
  return { yoga, live, published };
}

export type GraphQLBody = {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/** A GraphQL request through `yoga.fetch` (no port). */
export async function gql(
  yoga: Gateway,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLBody & { status: number }> {
  const response = await yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as GraphQLBody) };
}
