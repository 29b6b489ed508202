// Task bundles through the real stack (DESIGN §2.2, issue 16): a run started with `--bundle` travels as
// bundles and exports what the unbundled run and the monolith export; each task of a bundle is settled
// alone (a transient failure retried alone, a permanent one FAILED alone); a bundle whose worker is
// killed comes back split into single task messages, and every task ends once.
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess, taskResults } from '@conveyor/db';
import { generateSynthetic } from '@conveyor/grid';
import { tapTaskMessages } from '@conveyor/messages/testing';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import {
  followRun,
  monolithCsv,
  runCli,
  startRun,
  startRunAndFollow,
  workersUntil,
} from './support/results.js';

const fixtures = fileURLToPath(new URL('./fixtures/calculations.ts', import.meta.url));
const window = { from: '2023-01-01 00:00', to: '2023-02-28 23:59' };
let pipeline: TestPipeline;
let gatewayUrl: string;
let dir: string;
let tap: Awaited<ReturnType<typeof tapTaskMessages>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-bundles-'));
  await writeFile(
    join(dir, 'grid.json'),
    JSON.stringify(generateSynthetic({ substations: 4, nodes: 40, seed: 3 })),
  );
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 2,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: {
      GATEWAY_PORT: String(port),
      TOPOLOGY_DIR: dir,
      CALCULATION_MODULES: fixtures,
      WORKER_HEARTBEAT_MS: '500',
      WORKER_CONCURRENCY: '2',
      TASK_RETRY_BASE_MS: '100',
      // `slow-grid`: long enough for a worker to be killed in the middle of its bundle.
      SLOW_TASK_MS: '4000',
    },
  });
  tap = await tapTaskMessages(pipeline.namespace.amqpUrl, pipeline.namespace.namespace);
  await workersUntil(
    { ...pipeline.env, GATEWAY_URL: gatewayUrl },
    (workers) =>
      workers.filter((worker) => worker.calculations.some(({ name }) => name === 'bundle-mix')).length === 2,
  );
}, 120_000);

afterAll(async () => {
  await tap?.close();
  await pipeline.close();
}, 60_000);

const env = () => ({ ...pipeline.env, GATEWAY_URL: gatewayUrl });
const cli = (args: string[]) => runCli(args, env());

/** `run start`'s arguments for a run of `calculation` over grid.json. */
const runOf = (calculation: string, options: string[] = []) => [
  '--topology',
  'file:grid.json',
  '--from',
  window.from,
  '--to',
  window.to,
  '--calculation',
  calculation,
  ...options,
];

async function exported(runId: string): Promise<string> {
  const out = join(dir, `${runId}.csv`);
  await cli(['run', 'export', runId, '--out', out]);
  return readFile(out, 'utf8');
}

async function tasksOf(runId: string) {
  return pipeline.database.db
    .select({
      taskId: runProcess.taskId,
      selection: runProcess.selection,
      startDate: runProcess.startDate,
      status: runProcess.taskStatus,
      attempt: runProcess.attempt,
      error: runProcess.error,
    })
    .from(runProcess)
    .where(eq(runProcess.runId, runId))
    .orderBy(asc(runProcess.selection), asc(runProcess.startDate));
}

/** Per task id, the types of its recorded task events in order, with task.failed's `final`. */
async function taskEventsOf(runId: string): Promise<Map<string, string[]>> {
  const [rows] = (await pipeline.database.db.execute(
    sql`SELECT task_id AS taskId, type, JSON_EXTRACT(data, '$.final') AS final FROM run_events
        WHERE run_id = ${runId} AND task_id IS NOT NULL ORDER BY position`,
  )) as unknown as [{ taskId: string; type: string; final: string | null }[]];
  const byTask = new Map<string, string[]>();
  for (const row of rows) {
    const name = row.type === 'task.failed' ? `task.failed(final=${row.final})` : row.type;
    byTask.set(row.taskId, [...(byTask.get(row.taskId) ?? []), name]);
  }
  return byTask;
}

const outcomes = (events: string[] | undefined) => (events ?? []).filter((type) => type !== 'task.started');

/** The task messages published from `from` on (an index into the tap), as bundle sizes (0: single). */
const publishedSince = (from: number) =>
  tap.seen.slice(from).map((m) => (m.bundle ? m.selections.length : 0));

describe('task bundles', () => {
  it('a run with --bundle travels as bundles, SUCCEEDS, and exports what the unbundled run and the monolith export', async () => {
    let mark = tap.seen.length;
    const plain = await startRunAndFollow(env(), runOf('grid-load'));
    expect(publishedSince(mark)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

    mark = tap.seen.length;
    const bundled = await startRunAndFollow(env(), runOf('grid-load', ['--bundle', '5']));
    expect(publishedSince(mark)).toEqual([5, 3]);

    const tasks = await tasksOf(bundled);
    expect(tasks).toHaveLength(8);
    expect(tasks.every((task) => task.status === 'FINISHED' && task.attempt === 1)).toBe(true);
    const events = await taskEventsOf(bundled);
    for (const task of tasks) expect(outcomes(events.get(task.taskId))).toEqual(['task.finished']);
    const csv = await exported(bundled);
    expect(csv).toBe(await exported(plain));
    expect(csv).toBe(
      await monolithCsv({ topology: `file:${join(dir, 'grid.json')}`, ...window, chunk: 'month' }),
    );
  });

  it('settles each task of a bundle alone: the transient failure retried alone and FINISHED, the permanent one FAILED', async () => {
    const mark = tap.seen.length;
    const runId = await startRun(env(), runOf('bundle-mix', ['--bundle', '8']));
    await followRun(env(), runId, 'FAILED');

    const tasks = await tasksOf(runId);
    const events = await taskEventsOf(runId);
    expect(tasks).toHaveLength(8);
    for (const task of tasks) {
      const own = outcomes(events.get(task.taskId));
      if (task.selection === '3') {
        expect(task).toMatchObject({ status: 'FAILED', attempt: 1 });
        expect(task.error).toBe('permanent: selection 3: source data missing');
        expect(own).toEqual(['task.failed(final=true)']);
      } else if (task.selection === '2') {
        expect(task).toMatchObject({ status: 'FINISHED', attempt: 2 });
        expect(own).toEqual(['task.failed(final=false)', 'task.finished']);
      } else {
        expect(task).toMatchObject({ status: 'FINISHED', attempt: 1 });
        expect(own).toEqual(['task.finished']);
      }
    }
    // One bundle, then each of selection 2's tasks alone, back from the delay queue.
    expect(tap.seen.slice(mark)).toEqual([
      { bundle: true, selections: ['1', '1', '2', '2', '3', '3', '4', '4'] },
      { bundle: false, selections: ['2'] },
      { bundle: false, selections: ['2'] },
    ]);
    // Each finished task has its own result partition; the failed ones none.
    const partitions = await pipeline.database.db
      .select({ taskId: taskResults.taskId })
      .from(taskResults)
      .where(eq(taskResults.runId, runId));
    expect(partitions.map((p) => p.taskId).sort()).toEqual(
      tasks
        .filter((task) => task.status === 'FINISHED')
        .map((task) => task.taskId)
        .sort(),
    );
  });

  it('a bundle whose worker is killed comes back split into single tasks; every task ends once', async () => {
    const mark = tap.seen.length;
    const runId = await startRun(env(), runOf('slow-grid', ['--bundle', '4', '--selections', '1,2']));
    // The worker holding the bundle: the one whose id (host-pid) its started tasks name.
    let holder: string | null | undefined;
    while (!holder) {
      const started = await pipeline.database.db
        .select({ workerId: runProcess.workerId })
        .from(runProcess)
        .where(eq(runProcess.runId, runId));
      holder = started.find((task) => task.workerId)?.workerId;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const worker = pipeline.stack
      .processes()
      .find((p) => p.service === 'worker' && holder.endsWith(`-${p.child.pid}`))!;
    worker.child.kill('SIGKILL');
    await once(worker.child, 'exit');
    const added = await pipeline.stack.addWorker();

    await followRun(env(), runId);
    expect(
      tap.seen.slice(mark).map((m) => (m.bundle ? `bundle of ${m.selections.length}` : 'single')),
    ).toEqual(['bundle of 4', 'single', 'single', 'single', 'single']);
    const tasks = await tasksOf(runId);
    const events = await taskEventsOf(runId);
    // The worker added here goes with this test (the leak guard counts it).
    added.child.kill('SIGTERM');
    await added.exited;
    expect(tasks).toHaveLength(4);
    for (const task of tasks) {
      expect(task.status).toBe('FINISHED');
      expect(outcomes(events.get(task.taskId))).toEqual(['task.finished']);
    }
    // The monolith's rows of selections 1 and 2 (it computes every selection).
    const monolith = await monolithCsv({
      topology: `file:${join(dir, 'grid.json')}`,
      ...window,
      chunk: 'month',
    });
    const [header, ...rows] = monolith.trimEnd().split('\n');
    const ofOneAndTwo = rows.filter((row) => row.startsWith('1,') || row.startsWith('2,'));
    expect(await exported(runId)).toBe(`${[header, ...ofOneAndTwo].join('\n')}\n`);
  });
});
