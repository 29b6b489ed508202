import { readFile } from 'node:fs/promises';
import { printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { recordEvents, writeTaskResults } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import { createEvent, taskIdFor, type ConveyorEvent } from '@conveyor/messages';
import { createLiveFeed } from '../src/live/feed.js';
import { schema } from '../src/schema/index.js';
import { createGateway } from '../src/yoga.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const published: ConveyorEvent[] = [];
const TOKEN = 'a-long-enough-test-token';
let open: ReturnType<typeof createGateway>;
let secured: ReturnType<typeof createGateway>;
let live: ReturnType<typeof createLiveFeed>;

beforeAll(async () => {
  database = await createTestDatabase();
  live = createLiveFeed(database.db);
  const options = {
    db: database.db,
    publishEvent: async (e: ConveyorEvent) => void published.push(e),
    live,
    maxDepth: 6,
    maxCost: 5000,
  };
  open = createGateway(options);
  secured = createGateway({ ...options, token: TOKEN });
});
afterAll(async () => {
  await database.close();
});

async function gql(
  yoga: ReturnType<typeof createGateway>,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, any>;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** A run with two tasks, one finished with results and one still queued. */
async function seedRun() {
  const runId = uuidv4();
  const base = { runId, producer: 'test' };
  const tasks = ['1', '2'].map((selection) => ({
    taskId: taskIdFor(runId, selection, '2023-01-01 00:00'),
    selection,
    startDate: '2023-01-01 00:00',
    endDate: '2023-01-31 23:59',
  }));
  await recordEvents(database.db, [
    createEvent('run.requested', {
      ...base,
      data: {
        window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
        chunk: 'month',
        selections: null,
        topologySource: 'synthetic:substations=2&nodes=2&seed=1',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
    createEvent('run.planned', { ...base, data: { topologyId: 'topo-x', taskCount: 2, generation: 0 } }),
    createEvent('tasks.queued', { ...base, data: { tasks, generation: 0 } }),
    createEvent('task.finished', {
      ...base,
      taskId: tasks[0]!.taskId,
      data: {
        attempt: 1,
        workerId: 'w',
        finishedAt: new Date().toISOString(),
        durationMs: 3,
        summary: { cables: 1 },
        resultRows: 1,
        generation: 0,
      },
    }),
  ]);
  await writeTaskResults(database.db, {
    runId,
    taskId: tasks[0]!.taskId,
    rows: [
      {
        selection: '1',
        startDate: '2023-01-01 00:00',
        endDate: '2023-01-31 23:59',
        cableId: 'c1',
        capacityKw: 5,
        peakKw: 0.1 + 0.2,
        peakAt: '2023-01-02 18:00',
        utilization: 0.06,
        overloadedIntervals: 0,
        energyKwh: 12.5,
      },
    ],
  });
  return { runId, tasks };
}

describe('schema', () => {
  it('matches the committed schema.graphql', async () => {
    const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(schema)}\n`).toBe(committed);
  });
});

describe('queries', () => {
  it('serve a run with its counts, tasks, events and result summary', async () => {
    const { runId } = await seedRun();
    const { data, errors } = await gql(
      open,
      `query($id: ID!) { run(id: $id) { id status percent request { from to chunk } counts { total queued finished }
        tasks(status: [QUEUED]) { selection status } events(first: 10) { type } resultSummary { rows cables } resultsCsvUrl } }`,
      { id: runId },
    );
    expect(errors).toBeUndefined();
    expect(data!.run).toMatchObject({
      id: runId,
      status: 'RUNNING',
      percent: 50,
      request: { from: '2023-01-01 00:00', to: '2023-01-31 23:59', chunk: 'month' },
      counts: { total: 2, queued: 1, finished: 1 },
      tasks: [{ selection: '2', status: 'QUEUED' }],
      resultSummary: { rows: 1, cables: 1 },
      resultsCsvUrl: `/runs/${runId}/results.csv`,
    });
    expect(data!.run.events.map((e: { type: string }) => e.type)).toEqual([
      'run.requested',
      'run.planned',
      'tasks.queued',
      'task.finished',
    ]);
    const missing = await gql(open, 'query { run(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(missing.data!.run).toBeNull();
  });

  it('page through runs with a cursor', async () => {
    await seedRun();
    const first = await gql(open, 'query { runs(first: 1) { nodes { id } endCursor hasNextPage } }');
    expect(first.data!.runs.nodes).toHaveLength(1);
    expect(first.data!.runs.hasNextPage).toBe(true);
    const second = await gql(
      open,
      'query($after: String) { runs(first: 1, after: $after) { nodes { id } } }',
      { after: first.data!.runs.endCursor },
    );
    expect(second.data!.runs.nodes[0].id).not.toBe(first.data!.runs.nodes[0].id);
  });

  it('refuse a query deeper than the limit, and one with too many aliases', async () => {
    const shallow = createGateway({
      db: database.db,
      publishEvent: async () => undefined,
      live,
      maxDepth: 3,
      maxCost: 5000,
    });
    expect((await gql(shallow, 'query { runs { nodes { id } } }')).errors).toBeUndefined();
    const deep = await gql(shallow, 'query { runs { nodes { request { from } } } }');
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: runs { hasNextPage }`).join(' ');
    const wide = await gql(open, `query { ${aliases} }`);
    expect(wide.errors?.[0]?.message).toMatch(/alias/i);
  });
});

describe('startRun', () => {
  const mutation = `mutation($input: StartRunInput!) { startRun(input: $input) {
    __typename ... on StartRunSuccess { run { id status request { topologySource chunk } } } ... on UserError { message field } } }`;
  const input = {
    topologySource: 'synthetic:substations=2&nodes=3&seed=1',
    from: '2023-01-01 00:00',
    to: '2023-01-31 23:59',
    chunk: 'WEEK',
  };

  it('publishes run.requested and answers with the run', async () => {
    const { data } = await gql(open, mutation, { input });
    expect(data!.startRun).toMatchObject({
      __typename: 'StartRunSuccess',
      run: { status: 'REQUESTED', request: { chunk: 'week' } },
    });
    const event = published.find((e) => e.runId === data!.startRun.run.id);
    expect(event).toMatchObject({
      type: 'run.requested',
      data: { chunk: 'week', topologySource: input.topologySource, selections: null },
    });
  });

  it.each([
    [{ from: '2023-1-1' }, 'MalformedDateError', 'from'],
    [{ to: '2023-02-30 00:00' }, 'MalformedDateError', 'to'],
    [{ from: '2023-02-01 00:00', to: '2023-01-01 00:00' }, 'InvalidWindowError', 'to'],
    [{ topologySource: 'http://example.com/grid.json' }, 'InvalidSourceError', 'topologySource'],
    [{ selections: ['1', '1'] }, 'InvalidSelectionsError', 'selections'],
  ])('returns a typed error for %j', async (change, typename, field) => {
    const before = published.length;
    const { data } = await gql(open, mutation, { input: { ...input, ...change } });
    expect(data!.startRun).toMatchObject({ __typename: typename, field });
    expect(published.length).toBe(before);
  });

  it('rejects an unknown chunk at validation', async () => {
    const { errors } = await gql(open, mutation, { input: { ...input, chunk: 'YEAR' } });
    expect(errors?.[0]?.message).toMatch(/Chunk/);
  });

  it('needs the bearer token when one is configured', async () => {
    const refused = await gql(secured, mutation, { input });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await gql(secured, mutation, { input }, { authorization: 'Bearer nope' });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const accepted = await gql(secured, mutation, { input }, { authorization: `Bearer ${TOKEN}` });
    expect(accepted.data!.startRun.__typename).toBe('StartRunSuccess');
  });
});

describe('cancelRun and retryFailedTasks', () => {
  it('publish their events, or return typed errors', async () => {
    const { runId } = await seedRun();
    const cancel = await gql(open, 'mutation($id: ID!) { cancelRun(id: $id) { __typename } }', { id: runId });
    expect(cancel.data!.cancelRun.__typename).toBe('RunChanged');
    expect(published.at(-1)).toMatchObject({ type: 'run.cancel-requested', runId });
    const unknown = await gql(
      open,
      'mutation { cancelRun(id: "00000000-0000-4000-8000-000000000000") { __typename } }',
    );
    expect(unknown.data!.cancelRun.__typename).toBe('RunNotFoundError');
    const retry = await gql(
      open,
      'mutation($id: ID!) { retryFailedTasks(runId: $id) { __typename ... on UserError { message } } }',
      { id: runId },
    );
    expect(retry.data!.retryFailedTasks.__typename).toBe('NothingToRetryError');
  });
});

describe('runProgress over SSE', () => {
  it('sends the current state first, then each change, and completes when the run is terminal', async () => {
    const { runId } = await seedRun();
    const response = await open.fetch(
      `http://gateway/graphql?query=${encodeURIComponent(`subscription { runProgress(runId: "${runId}") { status total finished percent etaSeconds } }`)}`,
      {
        headers: { accept: 'text/event-stream' },
      },
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const nextData = async () => {
      for (;;) {
        const match = /event: next\ndata: (.*)\n\n/.exec(text);
        if (match) {
          text = text.slice(match.index + match[0].length);
          return JSON.parse(match[1]!).data.runProgress as Record<string, unknown>;
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        text += decoder.decode(value);
      }
    };
    expect(await nextData()).toMatchObject({ status: 'RUNNING', total: 2, finished: 1, percent: 50 });
    const counts = { total: 2, queued: 0, started: 0, finished: 2, failed: 0, cancelled: 0 };
    live.publish(
      createEvent('run.completed', {
        runId,
        producer: 'test',
        data: { status: 'SUCCEEDED', counts, durationMs: 5, generation: 0 },
      }),
    );
    expect(await nextData()).toMatchObject({ status: 'SUCCEEDED', finished: 2, percent: 100 });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toContain('event: complete');
  });
});

describe('GET /runs/:id/results.csv', () => {
  it('streams the results CSV', async () => {
    const { runId } = await seedRun();
    const response = await open.fetch(`http://gateway/runs/${runId}/results.csv`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      'selection,start_date,end_date,cable_id,capacity_kw,peak_kw,peak_at,utilization,overloaded_intervals,energy_kwh\n' +
        '1,2023-01-01 00:00,2023-01-31 23:59,c1,5,0.30000000000000004,2023-01-02 18:00,0.06,0,12.5\n',
    );
    expect(
      (await open.fetch('http://gateway/runs/00000000-0000-4000-8000-000000000000/results.csv')).status,
    ).toBe(404);
  });
});
