// Workers as the gateway hears of them through the broker (worker.heartbeat on its feed queue), the
// calculations they offer, and startRun's check of the chosen calculation against them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient as createSseClient } from 'graphql-sse';
import {
  WORKER_NOTIFICATION_RUN_ID,
  createNotification,
  type ConveyorNotification,
} from '@conveyor/messages';
import type { GatewayServer } from '../src/server.js';
import { startFedGateway, type FedGateway } from './support/fed-gateway.js';
import { createTestGateway, gql } from './support/gateway.js';

let gateway: FedGateway;
let server: GatewayServer & { published: unknown[] };
let url: string;
const beating = new Map<string, NodeJS.Timeout>();

beforeAll(async () => {
  gateway = await startFedGateway('workers-1');
  server = await gateway.listen();
  url = `http://127.0.0.1:${server.port}/graphql`;
});
afterAll(async () => {
  beating.forEach((timer) => clearInterval(timer));
  await gateway?.close();
});

const HEARTBEAT_MS = 200; // ms: a silent worker is gone after 3 of them
const startedAt = new Date().toISOString();

function heartbeat(
  workerId: string,
  calculations: string[],
  extra: { tasksDone?: number; stopping?: boolean },
) {
  return createNotification('worker.heartbeat', {
    runId: WORKER_NOTIFICATION_RUN_ID,
    producer: 'worker',
    data: {
      workerId,
      host: `host-of-${workerId}`,
      version: '0.0.0',
      calculations: calculations.map((name) => ({ name, version: name === 'grid-load' ? '1' : '7' })),
      slots: 4,
      busySlots: 1,
      tasksDone: extra.tasksDone ?? 0,
      startedAt,
      heartbeatMs: HEARTBEAT_MS,
      stopping: extra.stopping ?? false,
    },
  }) as ConveyorNotification;
}

/** A worker that beats through the broker until `kill` (no goodbye, like SIGKILL). */
function startWorker(workerId: string, calculations: string[]) {
  let done = 0;
  const beat = () =>
    void gateway.publisher.publishNotification(heartbeat(workerId, calculations, { tasksDone: (done += 5) }));
  beat();
  beating.set(workerId, setInterval(beat, HEARTBEAT_MS));
  return { kill: () => clearInterval(beating.get(workerId)) };
}

async function query(text: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const WORKERS = `query($gone: Boolean) { workers(includeGone: $gone) {
  id host version slots busySlots tasksDone tasksPerSecond alive stopped startedAt lastSeenAt heartbeatMs
  calculations { name version } } }`;

/** Asks until `accept` holds (each answer goes through the broker's feed first). */
async function until<T>(ask: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await ask();
    if (accept(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const ids = (workers: { id: string }[]) => workers.map((w) => w.id);

const START = `mutation($input: StartRunInput!) { startRun(input: $input) {
  __typename
  ... on StartRunSuccess { run { id } }
  ... on UnknownCalculationError { message field calculation available } } }`;
const input = (calculation?: string) => ({
  topologySource: 'synthetic:substations=3&nodes=20&seed=1',
  from: '2023-01-01 00:00',
  to: '2023-01-31 23:59',
  ...(calculation === undefined ? {} : { calculation }),
});

describe('workers', () => {
  it('lists two live workers with their calculations, and drops a killed one after its timeout', async () => {
    startWorker('worker-a', ['grid-load', 'noop', 'my-calculation']);
    const b = startWorker('worker-b', ['grid-load', 'noop', 'other-calculation']);

    const { workers } = await until(
      () => query(WORKERS),
      (data) => data.workers.length === 2 && data.workers.every((w: any) => w.tasksDone >= 10),
    );
    expect(ids(workers)).toEqual(['worker-a', 'worker-b']);
    expect(workers[0]).toMatchObject({
      host: 'host-of-worker-a',
      slots: 4,
      busySlots: 1,
      alive: true,
      stopped: false,
      startedAt,
      heartbeatMs: HEARTBEAT_MS,
      calculations: [
        { name: 'grid-load', version: '1' },
        { name: 'noop', version: '7' },
        { name: 'my-calculation', version: '7' },
      ],
    });
    expect(workers[0].tasksPerSecond).toBeGreaterThan(0);

    const { calculations } = await query(`{ calculations { name versions workers } }`);
    expect(calculations).toEqual([
      { name: 'grid-load', versions: ['1'], workers: 2 },
      { name: 'my-calculation', versions: ['7'], workers: 1 },
      { name: 'noop', versions: ['7'], workers: 2 },
      { name: 'other-calculation', versions: ['7'], workers: 1 },
    ]);

    b.kill();
    const after = await until(
      () => query(WORKERS),
      (data) => data.workers.length === 1,
    );
    expect(ids(after.workers)).toEqual(['worker-a']);
    const withGone = await query(WORKERS, { gone: true });
    expect(withGone.workers.map((w: any) => [w.id, w.alive])).toEqual([
      ['worker-a', true],
      ['worker-b', false],
    ]);
    const { calculations: left } = await query(`{ calculations { name } }`);
    expect(left.map((c: any) => c.name)).toEqual(['grid-load', 'my-calculation', 'noop']);
  });

  it('counts a worker that says it stops as gone at once', async () => {
    await gateway.publisher.publishNotification(heartbeat('worker-c', ['grid-load'], {}));
    await until(
      () => query(WORKERS),
      (data) => ids(data.workers).includes('worker-c'),
    );
    await gateway.publisher.publishNotification(heartbeat('worker-c', ['grid-load'], { stopping: true }));
    const { workers } = await until(
      () => query(WORKERS, { gone: true }),
      (data) => data.workers.some((w: any) => w.id === 'worker-c' && !w.alive),
    );
    expect(workers.find((w: any) => w.id === 'worker-c')).toMatchObject({ alive: false, stopped: true });
  });

  it('streams the workers to a subscriber', async () => {
    const stream = createSseClient({ url, retryAttempts: 0 }).iterate({
      query: `subscription { workers { id alive calculations { name } } }`,
    });
    const { value } = await stream.next();
    expect(value.errors).toBeUndefined();
    expect(ids(value.data!.workers as { id: string }[])).toContain('worker-a');
    await stream.return?.();
  });
});

describe('startRun with a calculation', () => {
  it('refuses a calculation no live worker offers, with the list of those they do', async () => {
    const { startRun } = await query(START, { input: input('no-such-calculation') });
    expect(startRun).toEqual({
      __typename: 'UnknownCalculationError',
      message: expect.stringContaining('no-such-calculation'),
      field: 'calculation',
      calculation: 'no-such-calculation',
      available: ['grid-load', 'my-calculation', 'noop'],
    });
    expect(server.published).toEqual([]);
  });

  it('requests a run of a calculation a live worker offers, and grid-load by default', async () => {
    const chosen = await query(START, { input: input('my-calculation') });
    const byDefault = await query(START, { input: input() });
    expect([chosen.startRun.__typename, byDefault.startRun.__typename]).toEqual([
      'StartRunSuccess',
      'StartRunSuccess',
    ]);
    expect(server.published.map((e: any) => [e.runId, e.data.calculation])).toEqual([
      [chosen.startRun.run.id, 'my-calculation'],
      [byDefault.startRun.run.id, 'grid-load'],
    ]);
  });

  it('accepts only the built-in calculations while no worker is alive', async () => {
    // A gateway of its own, which has heard of no worker yet.
    const alone = createTestGateway(gateway.database);
    const builtIn = await gql(alone.yoga, START, { input: input('grid-load') });
    const plugIn = await gql(alone.yoga, START, { input: input('my-calculation') });
    expect(builtIn.data!.startRun.__typename).toBe('StartRunSuccess');
    expect(plugIn.data!.startRun).toMatchObject({
      __typename: 'UnknownCalculationError',
      available: ['grid-load', 'noop'],
    });
  });
});
