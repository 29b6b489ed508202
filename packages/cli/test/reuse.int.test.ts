// `reuse` through the real stack: a second identical run started with `--reuse` computes nothing (every
// task takes the first run's partition, reused_from names it) and exports the same bytes; a run over a
// topology changed in one substation recomputes only that substation's tasks.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '@conveyor/db';
import { buildTopology, generateSynthetic } from '@conveyor/grid';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { monolithCsv, runCli, startRunAndFollow, workersUntil } from './support/results.js';

const fixtures = fileURLToPath(new URL('./fixtures/calculations.ts', import.meta.url));
const window = { from: '2023-01-01 00:00', to: '2023-02-28 23:59' };
const grid = generateSynthetic({ substations: 4, nodes: 40, seed: 11 });
let pipeline: TestPipeline;
let gatewayUrl: string;
let dir: string;
let computedLog: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-reuse-'));
  computedLog = join(dir, 'computed.log');
  await writeFile(computedLog, '');
  await writeFile(join(dir, 'grid.json'), JSON.stringify(grid));
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 2,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: {
      GATEWAY_PORT: String(port),
      TOPOLOGY_DIR: dir,
      CALCULATION_MODULES: fixtures,
      COMPUTED_LOG: computedLog,
      WORKER_HEARTBEAT_MS: '500',
    },
  });
  // The gateway accepts a plug-in's calculation once a live worker has announced it.
  await workersUntil({ ...pipeline.env, GATEWAY_URL: gatewayUrl }, (workers) =>
    workers.some((worker) => worker.calculations.some(({ name }) => name === 'counted-grid')),
  );
}, 120_000);

afterAll(async () => {
  await pipeline.close();
}, 60_000);

const cli = (args: string[]) => runCli(args, { ...pipeline.env, GATEWAY_URL: gatewayUrl });

/** Starts a run of `counted-grid` over `file` through the CLI, follows it to SUCCEEDED; its id. */
function runOver(file: string, options: string[] = []): Promise<string> {
  return startRunAndFollow({ ...pipeline.env, GATEWAY_URL: gatewayUrl }, [
    '--topology',
    `file:${file}`,
    '--from',
    window.from,
    '--to',
    window.to,
    '--calculation',
    'counted-grid',
    ...options,
  ]);
}

async function tasksOf(runId: string) {
  return pipeline.database.db
    .select({
      taskId: runProcess.taskId,
      selection: runProcess.selection,
      startDate: runProcess.startDate,
      status: runProcess.taskStatus,
      reusedFrom: runProcess.reusedFrom,
    })
    .from(runProcess)
    .where(eq(runProcess.runId, runId))
    .orderBy(asc(runProcess.selection), asc(runProcess.startDate));
}

/** The cells ("selection start date") the counting calculation computed for a run. */
async function computedCells(runId: string): Promise<string[]> {
  const lines = (await readFile(computedLog, 'utf8')).split('\n').filter((line) => line.startsWith(runId));
  return lines.map((line) => line.slice(runId.length + 1)).sort();
}

async function exported(runId: string): Promise<string> {
  const out = join(dir, `${runId}.csv`);
  await cli(['run', 'export', runId, '--out', out]);
  return readFile(out, 'utf8');
}

describe('reuse', () => {
  let first: string;
  let firstTasks: Awaited<ReturnType<typeof tasksOf>>;

  it('a second identical run with --reuse computes nothing, takes every partition, exports the same bytes', async () => {
    first = await runOver('grid.json');
    firstTasks = await tasksOf(first);
    expect(firstTasks).toHaveLength(8);
    expect(firstTasks.every((task) => task.reusedFrom === null)).toBe(true);
    expect(await computedCells(first)).toHaveLength(8);

    const second = await runOver('grid.json', ['--reuse']);
    const secondTasks = await tasksOf(second);
    expect(secondTasks).toHaveLength(8);
    secondTasks.forEach((task, i) => {
      const was = firstTasks[i]!;
      expect(task).toMatchObject({ selection: was.selection, startDate: was.startDate, status: 'FINISHED' });
      expect(task.reusedFrom).toBe(was.taskId);
    });
    expect(await computedCells(second)).toEqual([]);
    expect(await exported(second)).toBe(await exported(first));
    expect((await cli(['run', 'show', second, '--format', 'text'])).stdout).toContain(
      '8 total: 8 finished (8 reused)',
    );
  });

  it('a run over a topology changed in one substation recomputes only that substation', async () => {
    // One cable's capacity changed, in the substation that feeds it.
    const cable = grid.cables[25]!;
    const built = buildTopology(grid);
    if (!built.ok) throw new Error('the synthetic topology is invalid');
    const changedSelection = built.topology.substations.find((s) =>
      s.nodes.some((node) => node.cable.id === cable.id),
    )!.id;
    const changed = {
      ...grid,
      cables: grid.cables.map((c) => (c.id === cable.id ? { ...c, capacityKw: c.capacityKw / 2 } : c)),
    };
    await writeFile(join(dir, 'changed.json'), JSON.stringify(changed));

    const third = await runOver('changed.json', ['--reuse']);
    const thirdTasks = await tasksOf(third);
    expect(thirdTasks).toHaveLength(8);
    for (const task of thirdTasks) {
      if (task.selection === changedSelection) expect(task.reusedFrom).toBeNull();
      else expect(task.reusedFrom).not.toBeNull();
    }
    const recomputed = thirdTasks.filter((task) => task.selection === changedSelection);
    expect(await computedCells(third)).toEqual(
      recomputed.map((task) => `${task.selection} ${task.startDate}`).sort(),
    );
    expect(await exported(third)).toBe(
      await monolithCsv({ topology: `file:${join(dir, 'changed.json')}`, ...window, chunk: 'month' }),
    );
  });
});
