// Random and hostile input at startRun, through yoga.fetch: every answer is StartRunSuccess, a typed
// error, or a GraphQL request error (a variable of the wrong type) — never an internal error, a 5xx
// or a hang.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@conveyor/db/testing';
import { createTestGateway, type TestDatabase } from './support/gateway.js';

let database: TestDatabase;
let gateway: ReturnType<typeof createTestGateway>;

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = createTestGateway(database);
});
afterAll(async () => {
  await database?.close();
});

const START = `mutation($input: StartRunInput!) { startRun(input: $input) {
  __typename ... on Error { message field } } }`;
const OUTCOMES = [
  'StartRunSuccess',
  'MalformedDateError',
  'InvalidWindowError',
  'InvalidSourceError',
  'InvalidSelectionsError',
  'TooManyTasksError',
  'UnknownCalculationError',
];

const date = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
    )
    .map(([y, mo, d, h, mi]) => {
      const pad = (n: number, w = 2) => String(n).padStart(w, '0');
      return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}`;
    }),
);
const source = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'file:',
    'file:../../etc/passwd',
    'file:/dev/zero',
    `file:${'a'.repeat(2_000)}`,
    'synthetic:',
  ),
  fc
    .tuple(
      fc.constantFrom('substations', 'nodes', 'seed', 'size', ''),
      fc.string(),
      fc.constantFrom('nodes', 'seed'),
      fc.string(),
    )
    .map(([a, x, b, y]) => `synthetic:${a}=${x}&${b}=${y}`),
  fc
    .tuple(fc.nat(20_000), fc.nat(200_000), fc.nat())
    .map(([s, n, seed]) => `synthetic:substations=${s}&nodes=${n}&seed=${seed}`),
);
const input = fc.record(
  {
    topologySource: source,
    from: date,
    to: date,
    chunk: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('NONE', 'DAY', 'WEEK', 'MONTH', null) },
      { weight: 1, arbitrary: fc.string() },
    ),
    selections: fc.oneof(
      fc.constant(null),
      fc.array(fc.string({ maxLength: 200 }), { maxLength: 30 }),
      fc.nat(12_000).map((n) => Array.from({ length: n }, (_, i) => String(i))),
    ),
    calculation: fc.oneof(fc.constantFrom('grid-load', 'noop', null), fc.string({ maxLength: 2_000 })),
  },
  // A missing required field is a request error; most inputs should reach the resolver.
  { requiredKeys: ['topologySource', 'from', 'to'] },
);

describe('startRun under random and hostile input', () => {
  it('answers a typed outcome or a request error, never an internal one', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const response = await gateway.yoga.fetch('http://gateway/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: START, variables: { input: value } }),
        });
        expect([200, 400, 413]).toContain(response.status);
        if (response.status === 413) return; // the body limit (12,000 selections can pass 100 kB)
        const body = (await response.json()) as {
          data?: { startRun: { __typename: string } } | null;
          errors?: { message: string; extensions?: { code?: string } }[];
        };
        for (const error of body.errors ?? []) expect(error.message).not.toBe('Unexpected error.');
        if (body.data) {
          expect(OUTCOMES).toContain(body.data.startRun.__typename);
          seen.add(body.data.startRun.__typename);
        } else expect(response.status).toBe(400);
      }),
      {
        numRuns: 300,
        // Besides the random inputs, one of each kind of answer, so that the check below does not
        // depend on what 300 random draws happen to reach.
        examples: [
          [
            {
              topologySource: 'synthetic:substations=2&nodes=5&seed=1',
              from: '2023-01-01 00:00',
              to: '2023-01-31 23:59',
            },
          ],
          [
            {
              topologySource: 'synthetic:substations=2&nodes=5&seed=1',
              from: '2023-13-01 00:00',
              to: '2023-01-31 23:59',
            },
          ],
          [
            {
              topologySource: 'synthetic:substations=2&nodes=5&seed=1',
              from: '2023-02-01 00:00',
              to: '2023-01-31 23:59',
            },
          ],
          [{ topologySource: 'file:../../etc/passwd', from: '2023-01-01 00:00', to: '2023-01-31 23:59' }],
          [
            {
              topologySource: 'synthetic:substations=2&nodes=5&seed=1',
              from: '2023-01-01 00:00',
              to: '2023-01-31 23:59',
              calculation: 'no-such-calculation',
            },
          ],
        ],
      },
    );
    // The input reached the resolver's every kind of answer, not only GraphQL's own refusals.
    expect(seen.size).toBeGreaterThanOrEqual(4);
  });
});
