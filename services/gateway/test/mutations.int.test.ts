import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import { createTestGateway, gql, TOKEN, type TestDatabase } from './support/gateway.js';
import { seedRun } from './support/seed.js';

let database: TestDatabase;
let open: ReturnType<typeof createTestGateway>;
let secured: ReturnType<typeof createTestGateway>;

beforeAll(async () => {
  database = await createTestDatabase();
  open = createTestGateway(database);
  secured = createTestGateway(database, { token: TOKEN });
});
afterAll(async () => {
  await database.close();
});

const START = `mutation($input: StartRunInput!) { startRun(input: $input) {
  __typename
  ... on StartRunSuccess { run { id status request { topologySource from to chunk selections requestedBy } counts { total } } }
  ... on Error { message field } } }`;
const input = {
  topologySource: 'synthetic:substations=3&nodes=20&seed=1',
  from: '2023-01-01 00:00',
  to: '2023-03-31 23:59',
  chunk: 'WEEK',
  selections: ['1', '3'],
};

describe('startRun', () => {
  it('publishes run.requested and answers with the run, REQUESTED, before the poller has recorded it', async () => {
    const { data, errors } = await gql(open.yoga, START, { input });
    expect(errors).toBeUndefined();
    const run = data!.startRun.run;
    expect(data!.startRun).toEqual({
      __typename: 'StartRunSuccess',
      run: {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        status: 'REQUESTED',
        request: {
          topologySource: input.topologySource,
          from: input.from,
          to: input.to,
          chunk: 'WEEK',
          selections: ['1', '3'],
          requestedBy: 'anonymous',
        },
        counts: { total: 0 },
      },
    });
    expect(await getRun(database.db, run.id)).toBeUndefined();
    expect(open.published.at(-1)).toMatchObject({
      type: 'run.requested',
      runId: run.id,
      producer: 'gateway',
      data: {
        window: { start: input.from, end: input.to },
        chunk: 'week',
        selections: ['1', '3'],
        topologySource: input.topologySource,
        calculation: 'grid-load',
        requestedBy: 'anonymous',
      },
    });
  });

  it('defaults to monthly chunks and every selection', async () => {
    const { data } = await gql(open.yoga, START, {
      input: { topologySource: input.topologySource, from: input.from, to: input.to },
    });
    expect(data!.startRun.run.request).toMatchObject({ chunk: 'MONTH', selections: null });
    expect(open.published.at(-1)).toMatchObject({ data: { chunk: 'month', selections: null } });
    expect(open.published.at(-1)?.type === 'run.requested' && open.published.at(-1)?.data).not.toHaveProperty(
      'reuse',
    );
  });

  it('carries reuse: true in run.requested when asked', async () => {
    const { data } = await gql(open.yoga, START, { input: { ...input, reuse: true } });
    expect(data!.startRun.__typename).toBe('StartRunSuccess');
    expect(open.published.at(-1)).toMatchObject({ type: 'run.requested', data: { reuse: true } });
  });

  it('carries bundleSize in run.requested; 1 (the default) is left out', async () => {
    expect(
      (await gql(open.yoga, START, { input: { ...input, bundleSize: 50 } })).data!.startRun.__typename,
    ).toBe('StartRunSuccess');
    expect(open.published.at(-1)).toMatchObject({ type: 'run.requested', data: { bundleSize: 50 } });
    for (const bundleSize of [1, 1000]) {
      await gql(open.yoga, START, { input: { ...input, bundleSize } });
      const published = open.published.at(-1);
      expect(published?.type === 'run.requested' && published.data.bundleSize).toBe(
        bundleSize === 1 ? undefined : bundleSize,
      );
    }
  });

  it.each([0, -3, 1001])(
    'refuses bundleSize %i with InvalidBundleSizeError naming the range, and publishes nothing',
    async (bundleSize) => {
      const query = `mutation($input: StartRunInput!) { startRun(input: $input) {
        __typename ... on InvalidBundleSizeError { message field bundleSize max } } }`;
      const before = open.published.length;
      const { data, errors } = await gql(open.yoga, query, { input: { ...input, bundleSize } });
      expect(errors).toBeUndefined();
      expect(data!.startRun).toEqual({
        __typename: 'InvalidBundleSizeError',
        message: `bundleSize ${bundleSize} is out of range: a task message carries 1 to 1000 tasks`,
        field: 'bundleSize',
        bundleSize,
        max: 1000,
      });
      expect(open.published.length).toBe(before);
    },
  );

  it('refuses a bundleSize that is not a whole number when validating the request', async () => {
    const { errors, status } = await gql(open.yoga, START, { input: { ...input, bundleSize: 2.5 } });
    expect(status).toBe(400);
    expect(errors?.[0]?.message).toMatch(/Int/);
  });

  it.each([
    [{ from: '2023-1-1' }, 'MalformedDateError', 'from'],
    [{ from: '2023-01-01T00:00' }, 'MalformedDateError', 'from'],
    [{ to: '2023-02-30 00:00' }, 'MalformedDateError', 'to'],
    [{ from: '2023-02-01 00:00', to: '2023-01-31 23:59' }, 'InvalidWindowError', 'to'],
    [{ topologySource: 'http://example.com/grid.json' }, 'InvalidSourceError', 'topologySource'],
    [{ topologySource: 'synthetic:substations=0&nodes=1&seed=1' }, 'InvalidSourceError', 'topologySource'],
    [{ selections: [] }, 'InvalidSelectionsError', 'selections'],
    [{ selections: ['1', ' 2'] }, 'InvalidSelectionsError', 'selections'],
    [{ selections: ['1', '1'] }, 'InvalidSelectionsError', 'selections'],
  ])('returns a typed error for %j and publishes nothing', async (change, typename, field) => {
    const before = open.published.length;
    const { data, errors } = await gql(open.yoga, START, { input: { ...input, ...change } });
    expect(errors).toBeUndefined();
    expect(data!.startRun).toEqual({ __typename: typename, field, message: expect.any(String) });
    expect(open.published.length).toBe(before);
  });

  it('refuses a request of more tasks than MAX_TASKS_PER_RUN with TooManyTasksError, counting and naming the limit', async () => {
    const query = `mutation($input: StartRunInput!) { startRun(input: $input) {
      __typename ... on TooManyTasksError { message field count limit } } }`;
    const before = open.published.length;
    const selections = Array.from({ length: 2_400 }, (_, i) => String(i + 1));
    const year = { topologySource: input.topologySource, from: '2023-01-01 00:00', to: '2023-12-31 23:59' };
    const { data } = await gql(open.yoga, query, { input: { ...year, chunk: 'DAY', selections } });
    expect(data!.startRun).toEqual({
      __typename: 'TooManyTasksError',
      message:
        'the request plans 876,000 tasks (2,400 selections × 365 window pieces), over MAX_TASKS_PER_RUN ' +
        '(100,000): ask for fewer selections, a shorter window or a coarser chunk',
      field: 'selections',
      count: 876_000,
      limit: 100_000,
    });
    // Without selections it counts at least one: a window of more pieces than the limit is refused too.
    const century = { ...year, from: '1800-01-01 00:00', to: '2099-12-31 23:59', chunk: 'DAY' };
    expect((await gql(open.yoga, query, { input: century })).data!.startRun).toMatchObject({
      __typename: 'TooManyTasksError',
      field: 'chunk',
      count: 109_573,
    });
    expect(open.published.length).toBe(before);
    // Monthly, the same selections are 28,800 tasks: requested.
    const monthly = await gql(open.yoga, START, { input: { ...year, chunk: 'MONTH', selections } });
    expect(monthly.data!.startRun.__typename).toBe('StartRunSuccess');
  });

  it('refuses an unknown chunk when validating the request', async () => {
    const { errors, status } = await gql(open.yoga, START, { input: { ...input, chunk: 'YEAR' } });
    expect(status).toBe(400);
    expect(errors?.[0]?.message).toMatch(/Chunk/);
  });
});

describe('the bearer token', () => {
  it('is required by mutations when GATEWAY_TOKEN is set, and recorded as the requester', async () => {
    const before = secured.published.length;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-of-some-length' },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const refused = await gql(secured.yoga, START, { input }, headers);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // Refused before execution: no data at all (GraphQL over HTTP leaves it out).
      expect(refused.data ?? null).toBeNull();
    }
    expect(secured.published.length).toBe(before);
    const accepted = await gql(secured.yoga, START, { input }, { authorization: `Bearer ${TOKEN}` });
    expect(accepted.data!.startRun).toMatchObject({
      __typename: 'StartRunSuccess',
      run: { request: { requestedBy: 'token' } },
    });
    expect(secured.published.at(-1)).toMatchObject({ type: 'run.requested', data: { requestedBy: 'token' } });
  });

  it('is required by queries too (issue 14: closed by default)', async () => {
    const refused = await gql(secured.yoga, 'query { runs { nodes { id } } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.data ?? null).toBeNull();
    const accepted = await gql(
      secured.yoga,
      'query { runs { nodes { id } } }',
      {},
      {
        authorization: `Bearer ${TOKEN}`,
      },
    );
    expect(accepted.errors).toBeUndefined();
  });

  it('is required by subscriptions', async () => {
    const { runId } = await seedRun(database.db);
    const response = await secured.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: `subscription { runProgress(runId: "${runId}") { status } }` }),
    });
    const text = await response.text();
    expect(text).toContain('UNAUTHENTICATED');
    expect(text).not.toContain('"status"');
  });
});

const CANCEL =
  'mutation($id: ID!) { cancelRun(id: $id) { __typename ... on CancelRunSuccess { run { id } } ... on Error { message field } } }';
const RETRY = `mutation($id: ID!) { retryFailedTasks(runId: $id) { __typename
  ... on RetryFailedTasksSuccess { run { id } taskCount } ... on Error { message field } } }`;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('cancelRun', () => {
  it('publishes run.cancel-requested for a run in progress, once per run', async () => {
    const { runId } = await seedRun(database.db, { tasks: 3, finished: 1 });
    const first = await gql(open.yoga, CANCEL, { id: runId });
    expect(first.data!.cancelRun).toEqual({ __typename: 'CancelRunSuccess', run: { id: runId } });
    await gql(open.yoga, CANCEL, { id: runId });
    const cancels = open.published.filter((e) => e.runId === runId && e.type === 'run.cancel-requested');
    expect(cancels).toHaveLength(2);
    expect(cancels[0]!.id).toBe(cancels[1]!.id);
    expect(cancels[0]!.data).toEqual({ requestedBy: 'anonymous' });
  });

  it('returns RunNotFoundError and RunAlreadyFinishedError', async () => {
    const { runId } = await seedRun(database.db, { tasks: 1, finished: 1, completed: 'SUCCEEDED' });
    const before = open.published.length;
    expect((await gql(open.yoga, CANCEL, { id: UNKNOWN })).data!.cancelRun).toEqual({
      __typename: 'RunNotFoundError',
      field: 'id',
      message: `no run ${UNKNOWN}`,
    });
    expect((await gql(open.yoga, CANCEL, { id: runId })).data!.cancelRun).toEqual({
      __typename: 'RunAlreadyFinishedError',
      field: 'id',
      message: `run ${runId} is already SUCCEEDED`,
    });
    expect(open.published.length).toBe(before);
  });

  it('needs the token when one is set', async () => {
    const { runId } = await seedRun(database.db);
    expect((await gql(secured.yoga, CANCEL, { id: runId })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    const accepted = await gql(secured.yoga, CANCEL, { id: runId }, { authorization: `Bearer ${TOKEN}` });
    expect(accepted.data!.cancelRun.__typename).toBe('CancelRunSuccess');
  });
});

describe('retryFailedTasks', () => {
  it('publishes run.retry-requested for every failed task', async () => {
    const { runId } = await seedRun(database.db, { tasks: 4, finished: 1, failed: 2, completed: 'FAILED' });
    const { data } = await gql(open.yoga, RETRY, { id: runId });
    expect(data!.retryFailedTasks).toEqual({
      __typename: 'RetryFailedTasksSuccess',
      run: { id: runId },
      taskCount: 2,
    });
    expect(open.published.at(-1)).toMatchObject({
      type: 'run.retry-requested',
      runId,
      data: { taskIds: null, requestedBy: 'anonymous' },
    });
  });

  it('returns RunNotFoundError and NothingToRetryError', async () => {
    const { runId } = await seedRun(database.db, { tasks: 1, finished: 1, completed: 'SUCCEEDED' });
    const before = open.published.length;
    expect((await gql(open.yoga, RETRY, { id: UNKNOWN })).data!.retryFailedTasks).toMatchObject({
      __typename: 'RunNotFoundError',
      field: 'runId',
    });
    expect((await gql(open.yoga, RETRY, { id: runId })).data!.retryFailedTasks).toEqual({
      __typename: 'NothingToRetryError',
      field: 'runId',
      message: `run ${runId} has no failed task`,
    });
    expect(open.published.length).toBe(before);
  });
});
