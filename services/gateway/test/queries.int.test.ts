import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTopology } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import { createTestGateway, gql, type TestDatabase } from './support/gateway.js';
import { seedRun } from './support/seed.js';

let database: TestDatabase;
let gateway: ReturnType<typeof createTestGateway>;
const NOW = Date.parse('2030-01-01T00:00:00Z');

beforeAll(async () => {
  database = await createTestDatabase();
  gateway = createTestGateway(database, { now: () => NOW });
});
afterAll(async () => {
  await database.close();
});

const RUN = `query($id: ID!) { run(id: $id) {
  id status percent tasksPerSecond etaSeconds durationMs requestedAt startedAt completedAt reason generation
  request { topologySource from to chunk selections calculation requestedBy }
  counts { total queued started finished failed cancelled }
  topology { id contentHash nodeCount selections }
  resultSummary { rows cables overloadedCables maxUtilization energyKwh }
  resultsCsvUrl } }`;

describe('run(id)', () => {
  it('serves the request, counts, progress, topology and result summary of a running run', async () => {
    const requestedAt = new Date('2029-12-31T23:58:59Z');
    await saveTopology(database.db, {
      id: 'topology-q',
      contentHash: 'hash-q',
      source: 'synthetic:substations=4&nodes=10&seed=1',
      selections: ['1', '2', '3', '4'],
      nodeCount: 10,
      json: {},
    });
    const { runId } = await seedRun(database.db, {
      tasks: 4,
      finished: 2,
      failed: 1,
      topologyId: 'topology-q',
      requestedAt,
    });
    const { data, errors } = await gql(gateway.yoga, RUN, { id: runId });
    expect(errors).toBeUndefined();
    // Planned 1 s after the request, 3 of 4 tasks done 60 s later: 0.05 tasks/s, 20 s left.
    expect(data!.run).toEqual({
      id: runId,
      status: 'RUNNING',
      percent: 75,
      tasksPerSecond: 0.05,
      etaSeconds: 20,
      durationMs: 61_000,
      requestedAt: '2029-12-31T23:58:59.000Z',
      startedAt: '2029-12-31T23:59:00.000Z',
      completedAt: null,
      reason: null,
      generation: 0,
      request: {
        topologySource: 'synthetic:substations=4&nodes=10&seed=1',
        from: '2023-01-01 00:00',
        to: '2023-01-31 23:59',
        chunk: 'MONTH',
        selections: null,
        calculation: 'grid-load',
        requestedBy: 'test',
      },
      counts: { total: 4, queued: 1, started: 0, finished: 2, failed: 1, cancelled: 0 },
      topology: { id: 'topology-q', contentHash: 'hash-q', nodeCount: 10, selections: ['1', '2', '3', '4'] },
      resultSummary: {
        rows: 6,
        cables: 6,
        overloadedCables: 2,
        maxUtilization: (0.1 + 0.2 + 1 + 2 / 3) / 52,
        energyKwh: 10.5 + 11.5,
      },
      resultsCsvUrl: `/runs/${runId}/results.csv`,
    });
  });

  it('shows a completed run at 100 % with no ETA left', async () => {
    const { runId } = await seedRun(database.db, { tasks: 2, finished: 2, completed: 'SUCCEEDED' });
    const { data } = await gql(gateway.yoga, RUN, { id: runId });
    expect(data!.run).toMatchObject({ status: 'SUCCEEDED', percent: 100, etaSeconds: 0, durationMs: 4_000 });
    expect(data!.run.completedAt).not.toBeNull();
  });

  it('is null for an unknown id, as are task and topology', async () => {
    const { data } = await gql(
      gateway.yoga,
      'query { run(id: "00000000-0000-4000-8000-000000000000") { id } task(id: "x") { id } topology(id: "y") { id } }',
    );
    expect(data).toEqual({ run: null, task: null, topology: null });
  });
});

describe('a run’s tasks and events', () => {
  it('filter tasks by status and page through them with a cursor', async () => {
    const { runId, taskIds } = await seedRun(database.db, { tasks: 5, finished: 1, failed: 1 });
    const page = `query($id: ID!, $after: String) { run(id: $id) {
      tasks(status: [QUEUED], first: 2, after: $after) { nodes { id selection status attempt } pageInfo { endCursor hasNextPage } } } }`;
    const first = await gql(gateway.yoga, page, { id: runId });
    expect(first.data!.run.tasks.nodes.map((t: { selection: string }) => t.selection)).toEqual(['3', '4']);
    expect(first.data!.run.tasks.pageInfo.hasNextPage).toBe(true);
    const second = await gql(gateway.yoga, page, {
      id: runId,
      after: first.data!.run.tasks.pageInfo.endCursor,
    });
    expect(second.data!.run.tasks).toEqual({
      nodes: [{ id: taskIds[4], selection: '5', status: 'QUEUED', attempt: 0 }],
      pageInfo: { endCursor: expect.any(String), hasNextPage: false },
    });

    const failed = await gql(
      gateway.yoga,
      'query($id: ID!) { run(id: $id) { tasks(status: [FAILED]) { nodes { id status error } } } }',
      { id: runId },
    );
    expect(failed.data!.run.tasks.nodes).toEqual([
      { id: taskIds[1], status: 'FAILED', error: expect.stringContaining('selection 2 exploded') },
    ]);
  });

  it('serve a task by id, its summary JSON-encoded', async () => {
    const { runId, taskIds } = await seedRun(database.db, { tasks: 1, finished: 1 });
    const { data } = await gql(
      gateway.yoga,
      'query($id: ID!) { task(id: $id) { id runId selection startDate endDate status attempt workerId finishedAt durationMs summary generation } }',
      { id: taskIds[0] },
    );
    expect(data!.task).toMatchObject({
      id: taskIds[0],
      runId,
      selection: '1',
      startDate: '2023-01-01 00:00',
      endDate: '2023-01-31 23:59',
      status: 'FINISHED',
      attempt: 1,
      workerId: 'worker-1',
      durationMs: 3,
      generation: 0,
    });
    expect(JSON.parse(data!.task.summary)).toEqual({
      cables: 3,
      maxUtilization: (0.1 + 0.2 + 2 / 3) / 52,
      overloadedCables: 1,
      energyKwh: 10.5,
    });
  });

  it('page through events in recording order', async () => {
    const { runId, events } = await seedRun(database.db, { tasks: 2, finished: 2, completed: 'SUCCEEDED' });
    const query = `query($id: ID!, $after: String) { run(id: $id) { events(first: 3, after: $after) {
      nodes { id type taskId occurredAt data } pageInfo { endCursor hasNextPage } } } }`;
    const first = await gql(gateway.yoga, query, { id: runId });
    const second = await gql(gateway.yoga, query, {
      id: runId,
      after: first.data!.run.events.pageInfo.endCursor,
    });
    const nodes = [...first.data!.run.events.nodes, ...second.data!.run.events.nodes];
    expect(nodes.map((e: { id: string }) => e.id)).toEqual(events.map((e) => e.id));
    expect(second.data!.run.events.pageInfo.hasNextPage).toBe(false);
    expect(nodes[0]).toMatchObject({
      type: 'run.requested',
      taskId: null,
      occurredAt: events[0]!.occurredAt,
    });
    expect(JSON.parse(nodes[0].data)).toEqual(events[0]!.data);
  });

  it('refuse a cursor that is not one of the list', async () => {
    const { runId } = await seedRun(database.db);
    const { errors } = await gql(
      gateway.yoga,
      'query($id: ID!) { run(id: $id) { tasks(after: "nope") { nodes { id } } } }',
      {
        id: runId,
      },
    );
    expect(errors?.[0]).toMatchObject({
      message: expect.stringContaining('not a cursor'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('runs', () => {
  it('pages newest first, filtered by status', async () => {
    const base = Date.parse('2031-01-01T00:00:00Z');
    const seeded = [];
    for (let i = 0; i < 3; i++) {
      seeded.push(
        await seedRun(database.db, {
          tasks: 1,
          completed: 'FAILED',
          requestedAt: new Date(base + i * 60_000),
        }),
      );
    }
    const newestFirst = seeded.map((s) => s.runId).reverse();
    const query = `query($after: String) { runs(status: [FAILED], first: 2, after: $after) {
      nodes { id status } pageInfo { endCursor hasNextPage } } }`;
    const first = await gql(gateway.yoga, query);
    expect(first.data!.runs.nodes.map((r: { id: string }) => r.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.data!.runs.pageInfo).toEqual({ endCursor: newestFirst[1], hasNextPage: true });
    const second = await gql(gateway.yoga, query, { after: first.data!.runs.pageInfo.endCursor });
    expect(second.data!.runs).toEqual({
      nodes: [{ id: newestFirst[2], status: 'FAILED' }],
      pageInfo: { endCursor: newestFirst[2], hasNextPage: false },
    });
  });

  it('refuses a page size out of range', async () => {
    const { errors } = await gql(
      gateway.yoga,
      'query($first: Int) { runs(first: $first) { nodes { id } } }',
      {
        first: 5000,
      },
    );
    expect(errors?.[0]?.message).toMatch(/first must be from 1 to 500/);
  });
});

describe('run(id).overloads', () => {
  const OVERLOADS = `query($id: ID!, $first: Int, $after: String) { run(id: $id) {
    overloads(first: $first, after: $after) {
      nodes { rank selection from to cableId capacityKw peakKw peakAt utilization overloadedIntervals }
      pageInfo { endCursor hasNextPage } } } }`;

  it('ranks the overloaded elements of every task by utilization, a page at a time', async () => {
    const { runId } = await seedRun(database.db, { tasks: 3, finished: 3 });
    const entry = (rank: number, index: number) => ({
      rank,
      selection: String(index + 1),
      from: '2023-01-01 00:00',
      to: '2023-01-31 23:59',
      cableId: `c${index + 1}-a9`,
      capacityKw: 52,
      peakKw: 0.1 + 0.2 + index + 2 / 3,
      peakAt: '2023-01-02 18:00',
      utilization: (0.1 + 0.2 + index + 2 / 3) / 52,
      overloadedIntervals: 3,
    });
    const first = await gql(gateway.yoga, OVERLOADS, { id: runId, first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.run).toEqual({
      overloads: { nodes: [entry(1, 2), entry(2, 1)], pageInfo: { endCursor: '2', hasNextPage: true } },
    });
    const next = await gql(gateway.yoga, OVERLOADS, { id: runId, first: 2, after: '2' });
    expect(next.data!.run).toEqual({
      overloads: { nodes: [entry(3, 0)], pageInfo: { endCursor: '3', hasNextPage: false } },
    });
  });

  it('is empty for a run without results', async () => {
    const { runId } = await seedRun(database.db, { tasks: 2 });
    const { data } = await gql(gateway.yoga, OVERLOADS, { id: runId });
    expect(data!.run).toEqual({
      overloads: { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } },
    });
  });
});
