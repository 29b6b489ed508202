import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import { createLiveFeed } from '../src/live/feed.js';
import { createTestGateway, gql, type TestDatabase } from './support/gateway.js';

let database: TestDatabase;
let gateway: ReturnType<typeof createTestGateway>;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = createTestGateway(database, {
    maxDepth: 4,
    maxCost: 1_000,
    maxBodyBytes: 2_000,
    corsOrigins: ['https://dashboard.example'],
  });
});
afterAll(async () => {
  await database.close();
});

describe('query limits', () => {
  it('refuse a query deeper than the limit', async () => {
    expect((await gql(gateway.yoga, 'query { runs { nodes { request { from } } } }')).errors).toBeUndefined();
    const deep = await gql(
      gateway.yoga,
      'query { runs { nodes { topology { id } tasks { nodes { id } } } } }',
    );
    expect(deep.errors?.[0]?.message).toMatch(/depth limit/i);
  });

  it('refuse a query costlier than the limit', async () => {
    const costly = await gql(gateway.yoga, 'query { runs(first: 500) { nodes { id status } } }');
    expect(costly.errors?.[0]?.message).toMatch(/cost limit/i);
  });

  it('refuse too many aliases', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: runs { pageInfo { hasNextPage } }`).join(
      ' ',
    );
    expect((await gql(gateway.yoga, `query { ${aliases} }`)).errors?.[0]?.message).toMatch(/aliases/i);
  });
});

describe('the request body', () => {
  const big = `query { runs { nodes { id } } } # ${'x'.repeat(3_000)}`;

  it('is refused with 413 above the limit, by its Content-Length', async () => {
    const response = await gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: big }),
    });
    expect(response.status).toBe(413);
  });

  it('is refused with 413 above the limit when it comes in chunks without a length', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ query: big }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 500) controller.enqueue(bytes.slice(i, i + 500));
        controller.close();
      },
    });
    const response = await gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('is read as usual when it comes in chunks within the limit', async () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ query: 'query { runs { pageInfo { hasNextPage } } }' }),
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    const response = await gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { runs: { pageInfo: { hasNextPage: false } } } });
  });
});

describe('CSRF prevention', () => {
  const query = 'mutation { cancelRun(id: "00000000-0000-4000-8000-000000000000") { __typename } }';

  it('refuses a request a browser form could send cross-site', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const response = await gateway.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query }),
      });
      expect(response.status).toBe(403);
    }
  });

  it('refuses a GET without a preflight header, and serves it with one', async () => {
    const url = `http://gateway/graphql?query=${encodeURIComponent('{ runs { pageInfo { hasNextPage } } }')}`;
    expect((await gateway.yoga.fetch(url)).status).toBe(403);
    const allowed = await gateway.yoga.fetch(url, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(allowed.status).toBe(200);
  });
});

describe('CORS', () => {
  it('allows the configured origins only', async () => {
    const preflight = (origin: string) =>
      gateway.yoga.fetch('http://gateway/graphql', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight('https://dashboard.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('internal errors', () => {
  it('are masked', async () => {
    // A database nobody listens on: the resolver fails inside, the client learns nothing of it.
    const unreachable = createDatabase('mysql://root@127.0.0.1:1/nowhere');
    try {
      const broken = createTestGateway(database, {
        db: unreachable.db,
        live: createLiveFeed(unreachable.db),
      });
      const { errors } = await gql(broken.yoga, 'query { runs { nodes { id } } }');
      expect(errors).toEqual([expect.objectContaining({ message: 'Unexpected error.' })]);
      expect(JSON.stringify(errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await unreachable.close();
    }
  });
});
