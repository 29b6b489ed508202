// Exports that cannot starve the gateway: their own pool, a limit of exports at once (503 with
// Retry-After beyond it), and slow readers cut off — while queries and /readyz keep answering.
import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createDatabase, recordEvents, writeTaskResults } from '@conveyor/db';
import { createTestDatabase, taskPartitionOf } from '@conveyor/db/testing';
import { createEvent } from '@conveyor/messages';
import { createLogger, createMetricsRegistry, startHealthServer, type HealthServer } from '@conveyor/runtime';
import { startGatewayServer, type GatewayServer } from '../src/server.js';
import { createTestGateway, EXPORT_LIMITS, type TestDatabase } from './support/gateway.js';

const SLOW_CLIENTS = 10;
let database: TestDatabase;
/** Each gateway's exports' own pool, as main.ts makes it. */
const exportDatabases: ReturnType<typeof createDatabase>[] = [];
let health: HealthServer;
const servers: GatewayServer[] = [];
let runId: string;
/**
 * Rows of the run: a CSV (~8 MB) larger than what a client that stops reading can hold in the
 * buffers on the way (~4 MB measured here: the kernel's, on loopback), so its download stays open.
 */
const TASKS = 16;
const ROWS_PER_TASK = 4_000;
/** Ten downloads fill their buffers before they stall: minutes on a loaded 2-core machine. */
const SLOW_TEST_MS = 240_000;

beforeAll(async () => {
  database = await createTestDatabase();
  health = await startHealthServer({
    port: 0,
    registry: createMetricsRegistry('gateway-test'),
    logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    isReady: () => database.pool.query('SELECT 1').then(() => true),
  });
  runId = uuidv4();
  await recordEvents(database.db, [
    createEvent('run.requested', {
      runId,
      producer: 'test',
      data: {
        window: { start: '2023-01-01 00:00', end: '2023-12-31 23:59' },
        chunk: 'month',
        selections: null,
        topologySource: 'synthetic:substations=16&nodes=4000&seed=1',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
  ]);
  for (let task = 0; task < TASKS; task++) {
    const rows = Array.from({ length: ROWS_PER_TASK }, (_, cable) => ({
      selection: String(task + 1),
      startDate: '2023-01-01 00:00',
      endDate: '2023-01-31 23:59',
      cableId: `s${task + 1}-cable-${cable}`,
      capacityKw: 100 + cable,
      peakKw: Math.PI * cable,
      peakAt: '2023-01-03 07:15',
      utilization: (Math.PI * cable) / (100 + cable),
      overloadedIntervals: cable % 7,
      energyKwh: cable / 3,
    }));
    await writeTaskResults(database.db, taskPartitionOf({ runId, taskId: uuidv4() }, rows));
  }
}, 180_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await health?.close();
  for (const pool of exportDatabases) await pool.close();
  await database?.close();
});

async function listen(exports: Partial<typeof EXPORT_LIMITS>) {
  const limits = { ...EXPORT_LIMITS, ...exports };
  const exportDatabase = createDatabase(database.url, { poolSize: limits.maxConcurrent });
  exportDatabases.push(exportDatabase);
  const gateway = createTestGateway(database, { exports: { db: exportDatabase.db, ...limits } });
  const server = await startGatewayServer({
    yoga: gateway.yoga,
    port: 0,
    host: '127.0.0.1',
    maxPayloadBytes: 100_000,
    webSocketAccess: { corsOrigins: [] },
  });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

type Download = { response: IncomingMessage; ended: Promise<'complete' | 'cut'> };

/**
 * A client that asks for the export and reads nothing (until `drain`): resolves once its headers came.
 * How it ends is watched from the start: a paused download can be dropped before anyone reads it.
 */
function slowClient(url: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      response.pause();
      const ended = new Promise<'complete' | 'cut'>((settle) => {
        response.once('end', () => settle(response.complete ? 'complete' : 'cut'));
        response.once('error', () => settle('cut'));
        response.once('close', () => settle(response.complete ? 'complete' : 'cut'));
      });
      resolve({ response, ended });
    }).on('error', reject);
  });
}

/** Reads what is left of a download: how it ended, complete or cut. */
function drain(download: Download): Promise<'complete' | 'cut'> {
  download.response.resume();
  return download.ended;
}

const query = async (base: string) => {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ run(id: "${runId}") { id status } }` }),
  });
  return (await response.json()) as { data?: { run: { id: string } | null } };
};

/**
 * Opens paused downloads until `count` of them are served at once: proof that every earlier download
 * has given its slot back (a paused client notices a dropped connection only once it reads again).
 */
async function holdSlots(url: string, count: number): Promise<Download[]> {
  const held: Download[] = [];
  for (let attempt = 0; held.length < count; attempt++) {
    if (attempt > 600) throw new Error(`only ${held.length} of ${count} exports could start`);
    const download = await slowClient(url);
    if (download.response.statusCode === 200) held.push(download);
    else {
      await drain(download);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return held;
}

describe('exports', () => {
  it(
    'ten slow downloads hold the exports’ pool only: queries and /readyz answer, an eleventh waits its turn',
    async () => {
      const base = await listen({ maxConcurrent: SLOW_CLIENTS, idleMs: 600_000 });
      const url = `${base}/runs/${runId}/results.csv`;
      const slow = await Promise.all(Array.from({ length: SLOW_CLIENTS }, () => slowClient(url)));
      expect(slow.map((download) => download.response.statusCode)).toEqual(Array(SLOW_CLIENTS).fill(200));

      // Every slot is taken, by a download that is not done: the next one is told when to come back.
      const refused = await fetch(url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('10');
      expect(await refused.text()).toMatch(/GATEWAY_MAX_EXPORTS/);

      // The queries' pool is untouched: a query and /readyz answer while the ten still hold theirs.
      expect((await query(base)).data?.run?.id).toBe(runId);
      expect((await fetch(`http://127.0.0.1:${health.port}/readyz`)).status).toBe(200);
      expect((await fetch(url)).status).toBe(503);

      // Clients that go away give their slots back at once (not after the idle timeout).
      for (const download of slow) download.response.destroy();
      for (const download of await holdSlots(url, SLOW_CLIENTS)) download.response.destroy();
    },
    SLOW_TEST_MS,
  );

  it(
    'cuts off a client that reads nothing for GATEWAY_EXPORT_IDLE_MS, and serves one that reads in full',
    async () => {
      const base = await listen({ maxConcurrent: 2, idleMs: 1_000 });
      const url = `${base}/runs/${runId}/results.csv`;
      const stalled = await holdSlots(url, 2);
      // Both slots come back once the stalled downloads are cut; each sees a broken download, never a
      // short file that looks complete.
      const [reader, other] = await holdSlots(url, 2);
      // The reader reads at once: paused for GATEWAY_EXPORT_IDLE_MS (a loaded machine), it would be cut too.
      const read = reader!.response.toArray() as Promise<Buffer[]>;
      other!.response.destroy();
      expect(await Promise.all(stalled.map(drain))).toEqual(['cut', 'cut']);
      const chunks = await read;
      expect(await reader!.ended).toBe('complete');
      expect(Buffer.concat(chunks).toString('utf8').split('\n')).toHaveLength(TASKS * ROWS_PER_TASK + 2);
    },
    SLOW_TEST_MS,
  );

  it(
    'cuts an export that takes longer than GATEWAY_EXPORT_TIMEOUT_MS, however it is read',
    async () => {
      const base = await listen({ maxConcurrent: 1, idleMs: 600_000, timeoutMs: 500 });
      const url = `${base}/runs/${runId}/results.csv`;
      const [first] = await holdSlots(url, 1);
      // Never idle long enough to be cut for it: only the time limit can free the one slot.
      const [second] = await holdSlots(url, 1);
      expect(await drain(first!)).toBe('cut');
      second!.response.destroy();
    },
    SLOW_TEST_MS,
  );
});
