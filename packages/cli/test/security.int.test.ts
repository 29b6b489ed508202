// Issue 14 end to end, through the real stack with GATEWAY_TOKEN set: nothing answers without the
// token, the CLI passes it everywhere, and requests too large to run — 876,000 tasks, a topology of
// 10⁹ nodes — are refused with their limits named while every service stays up and a normal run
// afterwards succeeds.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { monolithCsv, runCli } from './support/results.js';

const TOKEN = 'e2e-security-token-of-forty-characters-x';
let pipeline: TestPipeline;
let gatewayUrl: string;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 1,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: { GATEWAY_PORT: String(port), GATEWAY_TOKEN: TOKEN },
  });
}, 180_000);

afterAll(async () => {
  await pipeline?.close();
}, 60_000);

/** `conveyor …` as a user runs it: exit code, stdout and stderr, whatever the outcome. */
async function conveyor(args: string[], token: string = TOKEN) {
  // An empty GATEWAY_TOKEN is no token (environment.ts).
  const env = { ...pipeline.env, GATEWAY_URL: gatewayUrl, GATEWAY_TOKEN: token };
  try {
    const { stdout, stderr } = await runCli(args, env);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const YEAR = ['--from', '2023-01-01 00:00', '--to', '2023-12-31 23:59', '--chunk', 'day'];

/** Every service of the stack answers /healthz. */
async function everyServiceAlive() {
  const processes = pipeline.stack.processes();
  expect(processes.map((proc) => proc.service).sort()).toEqual([
    'gateway',
    'leader',
    'poller',
    'topology',
    'worker',
  ]);
  for (const proc of processes) {
    expect(proc.child.exitCode, proc.name).toBeNull();
    expect((await fetch(`http://127.0.0.1:${proc.healthPort}/healthz`)).status, proc.name).toBe(200);
  }
}

/** The run's status and reason, through the CLI (with the token). */
async function shown(runId: string): Promise<{ status: string; reason: string | null }> {
  const { stdout } = await conveyor(['run', 'show', runId, '--json']);
  return JSON.parse(stdout) as { status: string; reason: string | null };
}

describe('a gateway with GATEWAY_TOKEN set', () => {
  it('answers nothing without the token: a query, an export, a WebSocket, the CLI', async () => {
    const query = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ runs { nodes { id } } }' }),
    });
    expect(query.status).toBe(401);
    const exported = await fetch(`${gatewayUrl}/runs/00000000-0000-4000-8000-000000000000/results.csv`);
    expect(exported.status).toBe(401);
    const closed = await new Promise<number | undefined>((resolve) => {
      const client = createClient({
        url: `${gatewayUrl.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      client.subscribe(
        { query: '{ runs { nodes { id } } }' },
        {
          next: () => resolve(undefined),
          error: (error) => resolve((error as { code?: number }).code),
          complete: () => resolve(undefined),
        },
      );
    });
    expect(closed).toBe(4401);
    const listed = await conveyor(['run', 'list'], '');
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain('bearer token');
  });

  it('refuses 876,000 tasks it can count with TooManyTasksError, naming the limit', async () => {
    const selections = Array.from({ length: 2_400 }, (_, i) => String(i + 1)).join(',');
    const refused = await conveyor([
      'run',
      'start',
      '--topology',
      'synthetic:substations=2400&nodes=1&seed=1',
      ...YEAR,
      '--selections',
      selections,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'TooManyTasksError: the request plans 876,000 tasks (2,400 selections × 365 window pieces), over MAX_TASKS_PER_RUN (100,000)',
    );
  });

  it('fails a run of 876,000 tasks it cannot count at the leader, before a task is published, naming the limit', async () => {
    const started = await conveyor([
      'run',
      'start',
      '--topology',
      'synthetic:substations=2400&nodes=1&seed=1',
      ...YEAR,
      '--json',
    ]);
    expect(started.code).toBe(0);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('FAILED');
    expect((await shown(runId)).reason).toContain(
      'the plan has 876,000 tasks (2,400 selections × 365 window pieces), over MAX_TASKS_PER_RUN (100,000)',
    );
    expect(run.taskCount ?? 0).toBe(0);
    await everyServiceAlive();
  });

  it('fails a synthetic topology of 10⁹ nodes before generating it, naming MAX_TOPOLOGY_NODES', async () => {
    const source = 'synthetic:substations=10000&nodes=100000&seed=1';
    const started = await conveyor(['run', 'start', '--topology', source, ...YEAR, '--json']);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    expect((await pipeline.waitForRun(runId)).status).toBe('FAILED');
    expect((await shown(runId)).reason).toContain(
      '10000 substations × 100000 nodes has 1,000,000,000 nodes, over the limit of 1,000,000 (MAX_TOPOLOGY_NODES)',
    );
    await everyServiceAlive();
  });

  it('then runs a normal run to SUCCEEDED with the token, followed and exported through the CLI', async () => {
    const topology = 'synthetic:substations=3&nodes=30&seed=5';
    const window = { from: '2023-01-01 00:00', to: '2023-02-28 23:59' };
    const started = await conveyor([
      'run',
      'start',
      '--topology',
      topology,
      '--from',
      window.from,
      '--to',
      window.to,
      '--chunk',
      'month',
      '--follow',
      '--json',
    ]);
    expect(started.code).toBe(0);
    const { runId } = JSON.parse(started.stdout.split('\n')[0]!) as { runId: string };
    expect(started.stderr).toContain(`run ${runId}: SUCCEEDED`);
    const out = join(await mkdtemp(join(tmpdir(), 'conveyor-security-')), 'run.csv');
    expect((await conveyor(['run', 'export', runId, '--out', out])).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(await monolithCsv({ topology, ...window, chunk: 'month' }));
    await everyServiceAlive();
  });
});
