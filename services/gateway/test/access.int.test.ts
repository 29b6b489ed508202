// Who may do what, against listening gateways fed by the broker as in production (issue 14): with
// GATEWAY_TOKEN set every query, subscription, export and WebSocket needs the token; public reads
// open queries and exports only; a foreign origin reaches nothing, over HTTP or WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { WORKER_NOTIFICATION_RUN_ID, createNotification } from '@conveyor/messages';
import { schema } from '../src/schema/index.js';
import { CONTENT_SECURITY_POLICY } from '../src/http/security-headers.js';
import { startFedGateway, type FedGateway } from './support/fed-gateway.js';
import { TOKEN } from './support/gateway.js';
import { seedRun } from './support/seed.js';

type Server = Awaited<ReturnType<FedGateway['listen']>>;
let gateway: FedGateway;
let secured: Server;
let publicReads: Server;
let open: Server;
let closed: Server;
let runId: string;
const clients: Client[] = [];
const ANY_ID = '00000000-0000-4000-8000-000000000000';
const FOREIGN = 'https://evil.example';

beforeAll(async () => {
  gateway = await startFedGateway('replica-access', { recheckMs: 120_000 });
  secured = await gateway.listen({ token: TOKEN });
  publicReads = await gateway.listen({ token: TOKEN, publicReads: true });
  open = await gateway.listen({ corsOrigins: ['https://dashboard.example'] });
  closed = await gateway.listen({ token: TOKEN, introspection: false });
  ({ runId } = await seedRun(gateway.database.db, { tasks: 2, finished: 2, completed: 'SUCCEEDED' }));
  // One run in progress, that the `runs` subscription sends first.
  await seedRun(gateway.database.db, { tasks: 1 });
  // One worker, that the `workers` query and subscription list (an hour-long interval: alive throughout).
  gateway.live.publish(
    createNotification('worker.heartbeat', {
      runId: WORKER_NOTIFICATION_RUN_ID,
      producer: 'worker',
      data: {
        workerId: 'worker-access',
        host: 'host',
        version: '0.0.0',
        calculations: [{ name: 'grid-load', version: '1' }],
        slots: 1,
        busySlots: 0,
        tasksDone: 0,
        startedAt: new Date().toISOString(),
        heartbeatMs: 3_600_000,
        stopping: false,
      },
    }),
  );
});

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await gateway?.close();
});

const base = (server: Server) => `http://127.0.0.1:${server.port}`;
const bearer = { authorization: `Bearer ${TOKEN}` };

type Body = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

async function post(server: Server, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base(server)}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

/**
 * A SSE subscription's answer up to its first result, or the whole answer when it ends first (a
 * refusal). `runs` never completes by itself.
 */
async function sse(server: Server, query: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(`${base(server)}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: query.replace('$RUN', runId) }),
    signal: abort.signal,
  });
  let text = '';
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      text += decoder.decode(next.value, { stream: true });
      if (text.includes('event: next')) break;
    }
  } finally {
    abort.abort();
  }
  return text;
}

/** A minimal operation on each root field of a type, its required arguments filled in. */
function operationsOf(kind: 'query' | 'subscription'): [string, string][] {
  const type = kind === 'query' ? schema.getQueryType()! : schema.getSubscriptionType()!;
  return Object.values(type.getFields()).map((field) => {
    const args = field.args
      .filter((arg) => String(arg.type).endsWith('!') && arg.defaultValue === undefined)
      // Resolved when the test runs: the seeded run does not exist yet when the tests are collected.
      .map((arg) => `${arg.name}: "${kind === 'subscription' ? '$RUN' : ANY_ID}"`);
    return [
      field.name,
      `${kind} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} { __typename } }`,
    ];
  });
}

/** Opens a graphql-ws connection and runs one operation: its first result, or how the socket closed. */
function overWebSocket(
  server: Server,
  query: string,
  options: { token?: string; origin?: string } = {},
): Promise<{ data?: unknown; errors?: unknown; closed?: number }> {
  class BrowserLike extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options.origin ? { origin: options.origin } : {});
    }
  }
  const client = createClient({
    url: `ws://127.0.0.1:${server.port}/graphql`,
    webSocketImpl: BrowserLike,
    retryAttempts: 0,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  clients.push(client);
  return new Promise((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => resolve(value),
        error: (error) => resolve({ closed: (error as { code?: number }).code }),
        complete: () => resolve({}),
      },
    );
  });
}

describe('with GATEWAY_TOKEN set', () => {
  it.each(operationsOf('query'))(
    'the query %s is refused without the token, served with it',
    async (_, query) => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer a-wrong-token-of-some-length' },
      ];
      for (const headers of attempts) {
        const refused = await post(secured, query, headers);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Bearer');
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(refused.body.data ?? null).toBeNull();
      }
      const served = await post(secured, query, bearer);
      expect(served.status).toBe(200);
      expect(served.body.errors).toBeUndefined();
    },
  );

  it.each(operationsOf('subscription'))(
    'the subscription %s over SSE is refused without the token, served with it',
    async (_, query) => {
      const refused = await sse(secured, query);
      expect(refused).toContain('UNAUTHENTICATED');
      expect(refused).not.toContain('__typename');
      expect(await sse(secured, query, bearer)).toContain('"__typename"');
    },
  );

  it('an export is refused without the token (401), served with it', async () => {
    const refused = await fetch(`${base(secured)}/runs/${runId}/results.csv`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.text()).toMatch(/bearer token is required/);
    const served = await fetch(`${base(secured)}/runs/${runId}/results.csv`, { headers: bearer });
    expect(served.status).toBe(200);
    expect((await served.text()).split('\n')).toHaveLength(8);
  });

  it('a WebSocket is closed with 4401 without the token or with a wrong one, before any operation', async () => {
    const query = `subscription { runProgress(runId: "${runId}") { status } }`;
    expect(await overWebSocket(secured, query)).toEqual({ closed: 4401 });
    expect(await overWebSocket(secured, query, { token: 'a-wrong-token-of-some-length' })).toEqual({
      closed: 4401,
    });
    expect(await overWebSocket(secured, query, { token: TOKEN })).toEqual({
      data: { runProgress: { status: 'SUCCEEDED' } },
    });
  });

  it('a WebSocket with the token cannot start a run from a foreign origin (4403)', async () => {
    const before = secured.published.length;
    const mutation = `mutation { startRun(input: { topologySource: "synthetic:substations=1&nodes=1&seed=1",
      from: "2023-01-01 00:00", to: "2023-01-01 23:59" }) { __typename } }`;
    expect(await overWebSocket(secured, mutation, { token: TOKEN, origin: FOREIGN })).toEqual({
      closed: 4403,
    });
    expect(secured.published.length).toBe(before);
  });
});

describe('with GATEWAY_PUBLIC_READS=true', () => {
  it.each(operationsOf('query'))('the query %s is served without the token', async (_, query) => {
    const served = await post(publicReads, query);
    expect(served.body.errors).toBeUndefined();
  });

  it('exports are served without the token', async () => {
    expect((await fetch(`${base(publicReads)}/runs/${runId}/results.csv`)).status).toBe(200);
  });

  it('mutations, subscriptions and WebSockets still need the token', async () => {
    const mutation = await post(publicReads, `mutation { cancelRun(id: "${ANY_ID}") { __typename } }`);
    expect(mutation.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await sse(publicReads, operationsOf('subscription')[0]![1])).toContain('UNAUTHENTICATED');
    expect(await overWebSocket(publicReads, '{ runs { __typename } }')).toEqual({ closed: 4401 });
  });
});

describe('origins', () => {
  const mutation = `mutation { cancelRun(id: "${ANY_ID}") { __typename } }`;

  it('a WebSocket from a foreign origin cannot run a mutation, even without a token configured', async () => {
    const before = open.published.length;
    expect(await overWebSocket(open, mutation, { origin: FOREIGN })).toEqual({ closed: 4403 });
    expect(await overWebSocket(open, mutation, { origin: 'null' })).toEqual({ closed: 4403 });
    expect(open.published.length).toBe(before);
    // The gateway's own origin and the configured ones connect.
    expect(await overWebSocket(open, mutation, { origin: base(open) })).toMatchObject({
      data: { cancelRun: { __typename: 'RunNotFoundError' } },
    });
    expect(await overWebSocket(open, mutation, { origin: 'https://dashboard.example' })).toMatchObject({
      data: { cancelRun: { __typename: 'RunNotFoundError' } },
    });
  });

  it('an HTTP request from a foreign origin is refused with 403 on every path; an allowed one is served', async () => {
    const headers = { origin: FOREIGN };
    expect((await post(open, mutation, headers)).status).toBe(403);
    expect((await fetch(`${base(open)}/runs/${runId}/results.csv`, { headers })).status).toBe(403);
    expect((await fetch(`${base(open)}/`, { headers })).status).toBe(403);
    const allowed = await post(open, mutation, { origin: 'https://dashboard.example' });
    expect(allowed.body.data).toEqual({ cancelRun: { __typename: 'RunNotFoundError' } });
    expect((await post(open, mutation, { origin: base(open) })).status).toBe(200);
  });
});

describe('every HTTP response', () => {
  it('carries the CSP, nosniff and no-referrer: the dashboard, an export, GraphQL, an error', async () => {
    const responses = [
      await fetch(`${base(open)}/`),
      await fetch(`${base(open)}/runs/${runId}/results.csv`),
      await fetch(`${base(open)}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ runs { __typename } }"}',
      }),
      await fetch(`${base(secured)}/runs/${runId}/results.csv`),
    ];
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });
});

describe('introspection', () => {
  it('follows GATEWAY_INTROSPECTION: refused when off, served when on', async () => {
    const query = '{ __schema { queryType { name } } }';
    const refused = await post(closed, query, bearer);
    expect(refused.body.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await post(secured, query, bearer)).body.data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    // __typename is not introspection: clients of unions rely on it.
    expect((await post(closed, '{ runs { __typename } }', bearer)).body.errors).toBeUndefined();
  });
});
