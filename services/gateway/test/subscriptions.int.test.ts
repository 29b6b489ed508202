// Subscriptions through a listening gateway, fed by the broker as in production: the test publishes
// what the poller would (run.progress notifications, run.completed and task events) and watches the
// SSE and WebSocket clients receive it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { recordEvents } from '@conveyor/db';
import { createEvent, createNotification, type ConveyorEvent } from '@conveyor/messages';
import type { GatewayServer } from '../src/server.js';
import { startFedGateway, type FedGateway } from './support/fed-gateway.js';
import { TOKEN } from './support/gateway.js';
import { seedRun } from './support/seed.js';

let gateway: FedGateway;
let database: FedGateway['database'];
let publisher: FedGateway['publisher'];
let server: GatewayServer;
let secured: GatewayServer;
let url: string;
const wsClients: WsClient[] = [];

beforeAll(async () => {
  // No periodic re-read within a test: every change must come through the broker.
  gateway = await startFedGateway('replica-1', { recheckMs: 120_000 });
  ({ database, publisher } = gateway);
  server = await gateway.listen();
  secured = await gateway.listen({ token: TOKEN });
  url = `http://127.0.0.1:${server.port}/graphql`;
});

afterAll(async () => {
  for (const client of wsClients) void client.dispose();
  await gateway?.close();
});

const PROGRESS = `subscription($id: ID!) { runProgress(runId: $id) {
  runId status total queued started finished failed cancelled percent tasksPerSecond etaSeconds } }`;

type Result = { data?: Record<string, any> | null; errors?: readonly { message: string }[] };
type Stream = AsyncIterableIterator<Result>;

function overSse(query: string, variables: Record<string, unknown>): Stream {
  return createSseClient({ url, retryAttempts: 0 }).iterate({ query, variables });
}

function overWebSocket(
  query: string,
  variables: Record<string, unknown>,
  options: { port?: number; token?: string } = {},
): Stream {
  const client = createWsClient({
    url: `ws://127.0.0.1:${options.port ?? server.port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  wsClients.push(client);
  return client.iterate({ query, variables });
}

const transports = [
  ['SSE', overSse],
  ['WebSocket', overWebSocket],
] as const;

async function nextValue(stream: Stream): Promise<Record<string, any>> {
  const { value, done } = await stream.next();
  if (done) throw new Error('the subscription completed');
  expect(value.errors).toBeUndefined();
  return value.data!;
}

/** The first value whose `runs.id` is `runId` (the runs in progress come first, in any number). */
async function nextRun(stream: Stream, runId: string): Promise<Record<string, any>> {
  for (let i = 0; i < 100; i++) {
    const { runs } = await nextValue(stream);
    if (runs.id === runId) return runs;
  }
  throw new Error(`run ${runId} never came`);
}

const counts = (finished: number, queued: number) => ({
  total: 4,
  queued,
  started: 0,
  finished,
  failed: 0,
  cancelled: 0,
});

function completedEvent(runId: string): ConveyorEvent {
  return createEvent('run.completed', {
    runId,
    producer: 'poller',
    data: { status: 'SUCCEEDED', counts: counts(4, 0), durationMs: 5_000, generation: 0 },
  });
}

describe.each(transports)('runProgress over %s', (_, subscribe) => {
  it('sends the current state first, then each change published on the broker, and completes after run.completed', async () => {
    const { runId } = await seedRun(database.db, { tasks: 4, finished: 1 });
    const stream = subscribe(PROGRESS, { id: runId });
    expect((await nextValue(stream)).runProgress).toMatchObject({
      runId,
      status: 'RUNNING',
      total: 4,
      queued: 3,
      finished: 1,
      percent: 25,
    });

    await publisher.publishNotification(
      createNotification('run.progress', {
        runId,
        producer: 'poller',
        data: {
          status: 'RUNNING',
          counts: counts(3, 1),
          percent: 75,
          tasksPerSecond: 2.5,
          etaSeconds: 0.4,
          stalledTaskIds: [],
        },
      }),
    );
    expect((await nextValue(stream)).runProgress).toEqual({
      runId,
      status: 'RUNNING',
      ...counts(3, 1),
      percent: 75,
      tasksPerSecond: 2.5,
      etaSeconds: 0.4,
    });

    await publisher.publishEvent(completedEvent(runId));
    expect((await nextValue(stream)).runProgress).toMatchObject({
      status: 'SUCCEEDED',
      finished: 4,
      percent: 100,
      etaSeconds: 0,
    });
    expect((await stream.next()).done).toBe(true);
  });

  it('gives a late subscriber the final state first, then completes', async () => {
    const { runId } = await seedRun(database.db, { tasks: 4, finished: 4, completed: 'SUCCEEDED' });
    const stream = subscribe(PROGRESS, { id: runId });
    expect((await nextValue(stream)).runProgress).toMatchObject({
      status: 'SUCCEEDED',
      total: 4,
      finished: 4,
      percent: 100,
    });
    expect((await stream.next()).done).toBe(true);
  });
});

describe('runEvents over SSE', () => {
  it('replays the recorded events, then sends each new one once, and completes after run.completed', async () => {
    const seeded = await seedRun(database.db, { tasks: 4, finished: 1 });
    const stream = overSse('subscription($id: ID!) { runEvents(runId: $id) { id type taskId data } }', {
      id: seeded.runId,
    });
    for (const event of seeded.events) {
      const { runEvents } = await nextValue(stream);
      expect(runEvents).toMatchObject({ id: event.id, type: event.type });
      expect(JSON.parse(runEvents.data)).toEqual(event.data);
    }
    const started = createEvent('task.started', {
      runId: seeded.runId,
      taskId: seeded.taskIds[1]!,
      producer: 'worker',
      data: { attempt: 1, workerId: 'w2', startedAt: new Date().toISOString(), generation: 0 },
    });
    // A redelivered event the subscriber has seen already is not sent again.
    await publisher.publishEvents([seeded.events[1]!, started]);
    expect((await nextValue(stream)).runEvents).toMatchObject({
      id: started.id,
      type: 'task.started',
      taskId: seeded.taskIds[1],
    });
    const completed = completedEvent(seeded.runId);
    await publisher.publishEvent(completed);
    expect((await nextValue(stream)).runEvents).toMatchObject({ id: completed.id, type: 'run.completed' });
    expect((await stream.next()).done).toBe(true);
  });

  it("sends each event of a worker's batch message as the event it is", async () => {
    const seeded = await seedRun(database.db, { tasks: 4, finished: 1 });
    const stream = overSse('subscription($id: ID!) { runEvents(runId: $id) { id type taskId } }', {
      id: seeded.runId,
    });
    for (const event of seeded.events) expect((await nextValue(stream)).runEvents.id).toBe(event.id);
    const outcomes = seeded.taskIds.slice(1).map((taskId, i) =>
      createEvent('task.finished', {
        runId: seeded.runId,
        taskId,
        producer: 'worker',
        data: {
          attempt: 1,
          workerId: 'w1',
          finishedAt: new Date().toISOString(),
          durationMs: i,
          summary: {},
          resultRows: 0,
          generation: 0,
        },
      }),
    );
    await publisher.publishEventBatch(outcomes);
    for (const event of outcomes)
      expect((await nextValue(stream)).runEvents).toEqual({
        id: event.id,
        type: 'task.finished',
        taskId: event.taskId,
      });
    await publisher.publishEvent(completedEvent(seeded.runId));
    expect((await nextValue(stream)).runEvents.type).toBe('run.completed');
    expect((await stream.next()).done).toBe(true);
  });

  it('replays a finished run and completes', async () => {
    const seeded = await seedRun(database.db, { tasks: 1, finished: 1, completed: 'SUCCEEDED' });
    const stream = overSse('subscription($id: ID!) { runEvents(runId: $id) { id } }', { id: seeded.runId });
    for (const event of seeded.events) expect((await nextValue(stream)).runEvents.id).toBe(event.id);
    expect((await stream.next()).done).toBe(true);
  });
});

describe('runs over WebSocket', () => {
  it('sends the runs in progress first, then each run that changes, even before the poller records it', async () => {
    const active = await seedRun(database.db, { tasks: 2 });
    const stream = overWebSocket('subscription { runs { id status request { topologySource } } }', {});
    expect(await nextRun(stream, active.runId)).toMatchObject({ status: 'RUNNING' });

    const requested = createEvent('run.requested', {
      runId: '11111111-2222-4333-8444-555555555555',
      producer: 'cli',
      data: {
        window: { start: '2023-01-01 00:00', end: '2023-01-01 23:59' },
        chunk: 'day',
        selections: null,
        topologySource: 'synthetic:substations=1&nodes=1&seed=1',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    });
    await publisher.publishEvent(requested);
    expect(await nextRun(stream, requested.runId)).toEqual({
      id: requested.runId,
      status: 'REQUESTED',
      request: { topologySource: 'synthetic:substations=1&nodes=1&seed=1' },
    });

    // The poller records the completion of the active run and announces it.
    const completed = createEvent('run.completed', {
      runId: active.runId,
      producer: 'poller',
      data: {
        status: 'CANCELLED',
        counts: { total: 2, queued: 0, started: 0, finished: 0, failed: 0, cancelled: 2 },
        durationMs: 1,
        generation: 0,
      },
    });
    await recordEvents(database.db, [completed]);
    await publisher.publishEvent(completed);
    expect(await nextRun(stream, active.runId)).toMatchObject({ status: 'CANCELLED' });
    await stream.return?.();
  });
});

describe('subscriptions with GATEWAY_TOKEN set', () => {
  it('are refused without the token and served with it (connection parameter)', async () => {
    const { runId } = await seedRun(database.db, { tasks: 4, finished: 4, completed: 'SUCCEEDED' });
    // The connection itself is refused (issue 14): closed with 4401 before any operation runs.
    const refused = overWebSocket(PROGRESS, { id: runId }, { port: secured.port });
    await expect(refused.next()).rejects.toMatchObject({ code: 4401 });
    const accepted = overWebSocket(PROGRESS, { id: runId }, { port: secured.port, token: TOKEN });
    expect((await nextValue(accepted)).runProgress).toMatchObject({ status: 'SUCCEEDED' });
  });
});
