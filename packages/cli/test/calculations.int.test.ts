// Choosing the calculation, end to end through the real stack: two workers with a plug-in module
// (CALCULATION_MODULES) announce themselves; `conveyor workers` lists them; a run of the plug-in's
// calculation is started through GraphQL and through `conveyor run start --calculation`, and every task
// records the plug-in's version; an unknown calculation is refused with the list; a killed worker drops out.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { workersUntil as listedWorkersUntil, type ListedWorker } from './support/results.js';

const fixtures = fileURLToPath(new URL('./fixtures/calculations.ts', import.meta.url));
const cliMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let pipeline: TestPipeline;
let gatewayUrl: string;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 2,
    services: ['topology', 'leader', 'poller', 'gateway'],
    // 300 ms heartbeats: a killed worker is gone after 900 ms of silence.
    env: { GATEWAY_PORT: String(port), CALCULATION_MODULES: fixtures, WORKER_HEARTBEAT_MS: '300' },
  });
}, 180_000);

afterAll(async () => {
  await pipeline?.close();
}, 60_000);

type Outcome = { code: number; stdout: string; stderr: string };

function conveyor(args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@conveyor/source', cliMain, ...args],
      { env: { ...pipeline.env, GATEWAY_URL: gatewayUrl } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `conveyor workers --json` against this pipeline's gateway until `accept` holds. */
const workersUntil = (accept: (workers: ListedWorker[]) => boolean, all = false) =>
  listedWorkersUntil({ ...pipeline.env, GATEWAY_URL: gatewayUrl }, accept, all);

async function tasksOf(runId: string) {
  const [rows] = (await pipeline.database.db.execute(
    sql`SELECT selection, task_status, calculation_version, summary FROM run_process WHERE run_id = ${runId} ORDER BY selection`,
  )) as unknown as [
    { selection: string; task_status: string; calculation_version: string; summary: unknown }[],
  ];
  return rows.map((row) => ({
    ...row,
    summary: typeof row.summary === 'string' ? (JSON.parse(row.summary) as unknown) : row.summary,
  }));
}

const topology = 'synthetic:substations=3&nodes=20&seed=5';
const window = { from: '2023-01-01 00:00', to: '2023-01-31 23:59' };
const expectedTasks = ['1', '2', '3'].map((selection) => ({
  selection,
  task_status: 'FINISHED',
  calculation_version: '3.1',
  summary: { tagged: selection },
}));

describe('choosing the calculation', () => {
  it('lists both workers with the calculations they offer', async () => {
    const workers = await workersUntil((list) => list.length === 2);
    for (const worker of workers) {
      expect(worker.alive).toBe(true);
      expect(worker.calculations).toEqual(
        expect.arrayContaining([
          { name: 'grid-load', version: '1' },
          { name: 'noop', version: '1' },
          { name: 'tagged', version: '3.1' },
        ]),
      );
    }
    const table = await conveyor(['workers', '--format', 'text']);
    expect(table.stdout).toMatch(/^WORKER +HOST +STATUS/);
    expect(table.stdout).toContain('tagged@3.1');
  });

  it('runs a plug-in calculation started through GraphQL, recording its version on every task', async () => {
    const response = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation($input: StartRunInput!) { startRun(input: $input) {
          __typename ... on StartRunSuccess { run { id } } ... on Error { message } } }`,
        variables: { input: { topologySource: topology, ...window, calculation: 'tagged' } },
      }),
    });
    const { data } = (await response.json()) as { data: { startRun: { run?: { id: string } } } };
    const runId = data.startRun.run!.id;
    expect((await pipeline.waitForRun(runId)).status).toBe('SUCCEEDED');
    expect(await tasksOf(runId)).toEqual(expectedTasks);
  });

  it('runs it started by conveyor run start --calculation', async () => {
    const started = await conveyor([
      'run',
      'start',
      '--topology',
      topology,
      '--from',
      window.from,
      '--to',
      window.to,
      '--calculation',
      'tagged',
      '--follow',
      '--json',
    ]);
    expect(started.code, started.stderr).toBe(0);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    expect(await tasksOf(runId)).toEqual(expectedTasks);
  });

  it('refuses a calculation no worker offers, listing those they do', async () => {
    const refused = await conveyor([
      'run',
      'start',
      '--topology',
      topology,
      '--from',
      window.from,
      '--to',
      window.to,
      '--calculation',
      'no-such-calculation',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('UnknownCalculationError');
    const available = /available: (.*)/.exec(refused.stderr)?.[1]?.split(', ');
    expect(available).toEqual(expect.arrayContaining(['grid-load', 'noop', 'slow', 'tagged']));
  });

  it('drops a killed worker once its heartbeats stop', async () => {
    const [victim] = pipeline.stack.processes().filter((p) => p.service === 'worker');
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    await workersUntil((list) => list.length === 1);
    const all = await workersUntil((list) => list.length === 2, true);
    expect(all.map((worker) => worker.alive).sort()).toEqual([false, true]);
  });
});
