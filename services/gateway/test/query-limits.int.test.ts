// The limits a query meets before and while it runs, with the production defaults (config.ts): a cost
// that counts variables and nested pages, the page size, and the execution time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@conveyor/db/testing';
import { parse } from 'graphql';
import { queryCost } from '../src/guards/query-cost.js';
import { schema } from '../src/schema/index.js';
import { createTestGateway, gql, type TestDatabase } from './support/gateway.js';
import { seedRun } from './support/seed.js';

let database: TestDatabase;
let gateway: ReturnType<typeof createTestGateway>;
let slow: ReturnType<typeof createTestGateway>;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = createTestGateway(database);
  slow = createTestGateway(database, { maxExecutionMs: 300 });
  await seedRun(database.db, { tasks: 3 });
});
afterAll(async () => {
  await database?.close();
});

const NESTED = `query($n: Int) { ${Array.from(
  { length: 20 },
  (_, i) => `a${i}: runs(first: $n) { nodes { tasks(first: $n) { nodes { id } } } }`,
).join(' ')} }`;

describe('the query cost', () => {
  it('resolves `first` from variables and multiplies nested pages', () => {
    const cost = (query: string, variables: Record<string, unknown> = {}) =>
      queryCost({ schema, document: parse(query), variables });
    expect(cost('{ runs(first: 10) { nodes { id status } } }')).toBe(1 + 10 * (1 + 2));
    expect(cost('query($n: Int) { runs(first: $n) { nodes { id status } } }', { n: 10 })).toBe(31);
    // No `first`: the default page (50).
    expect(cost('{ runs { nodes { id } } }')).toBe(1 + 50 * 2);
    expect(
      cost('query($n: Int) { runs(first: $n) { nodes { tasks(first: $n) { nodes { id } } } } }', { n: 500 }),
    ).toBe(1 + 500 * (1 + 1 + 500 * 2));
    // A list without pagination counts as a default page.
    expect(cost('query($id: ID!) { run(id: $id) { stalledTasks { id } } }', { id: 'x' })).toBe(1 + 1 + 50);
  });

  it('refuses 20 aliases of `first: $n` × `first: $n` naming the limit, before any resolver runs', async () => {
    const { errors, data } = await gql(gateway.yoga, NESTED, { n: 500 });
    expect(data ?? null).toBeNull();
    expect(errors?.[0]?.message).toBe(
      'the query costs 10,020,020, over the cost limit of 20,000 (GATEWAY_MAX_COST): ask for smaller pages (first), fewer fields or fewer aliases',
    );
    expect(errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    // The same query with small pages is served.
    expect((await gql(gateway.yoga, NESTED, { n: 5 })).errors).toBeUndefined();
  });

  it('counts a variable page inside a fragment too', async () => {
    const query = `query($n: Int) { ...Runs } fragment Runs on Query { a: runs(first: $n) { nodes { tasks(first: $n) { nodes { id status } } } } }`;
    expect((await gql(gateway.yoga, query, { n: 200 })).errors?.[0]?.message).toMatch(/over the cost limit/);
  });
});

describe('the page size', () => {
  it('refuses `first: $n` over the maximum page size, naming it', async () => {
    const { errors } = await gql(gateway.yoga, 'query($n: Int) { runs(first: $n) { nodes { id } } }', {
      n: 501,
    });
    expect(errors?.[0]?.message).toBe('first must be from 1 to 500');
  });
});

describe('the execution time', () => {
  it('answers an error naming GATEWAY_MAX_EXECUTION_MS when a query runs longer', async () => {
    // Another session holds a write lock on `runs`: the query waits on the database until it is released.
    const locker = await database.pool.getConnection();
    try {
      await locker.query('LOCK TABLES runs WRITE');
      const { errors, data } = await gql(slow.yoga, '{ runs { nodes { id } } }');
      expect(data ?? null).toBeNull();
      expect(errors).toEqual([
        expect.objectContaining({
          message: 'the query ran longer than 300 ms (GATEWAY_MAX_EXECUTION_MS) and was stopped',
          extensions: expect.objectContaining({ code: 'QUERY_TIMEOUT' }) as unknown,
        }),
      ]);
    } finally {
      await locker.query('UNLOCK TABLES');
      locker.release();
    }
    expect((await gql(slow.yoga, '{ runs { nodes { id } } }')).errors).toBeUndefined();
  });
});
