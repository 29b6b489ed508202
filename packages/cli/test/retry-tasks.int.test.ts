// `retryTasks` through the real stack: re-running two selections of a SUCCEEDED run recomputes exactly
// those tasks (their generation and attempt rise, the others' do not), and the run ends SUCCEEDED again
// with the same export.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun, runProcess } from '@conveyor/db';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { monolithCsv, runCli, startRunAndFollow } from './support/results.js';

const topology = 'synthetic:substations=4&nodes=40&seed=11';
const window = { from: '2023-01-01 00:00', to: '2023-02-28 23:59' };
let pipeline: TestPipeline;
let gatewayUrl: string;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 2,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: { GATEWAY_PORT: String(port) },
  });
}, 120_000);

afterAll(async () => {
  await pipeline.close();
}, 60_000);

const cli = (args: string[]) => runCli(args, { ...pipeline.env, GATEWAY_URL: gatewayUrl });

async function tasksOf(runId: string) {
  return pipeline.database.db
    .select({
      selection: runProcess.selection,
      startDate: runProcess.startDate,
      status: runProcess.taskStatus,
      generation: runProcess.generation,
      attempt: runProcess.attempt,
    })
    .from(runProcess)
    .where(eq(runProcess.runId, runId))
    .orderBy(asc(runProcess.selection), asc(runProcess.startDate));
}

async function exported(runId: string): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'conveyor-retry-')), 'run.csv');
  await cli(['run', 'export', runId, '--out', out]);
  return readFile(out, 'utf8');
}

describe('retryTasks', () => {
  it('re-runs two selections of a SUCCEEDED run: exactly their tasks, SUCCEEDED again, same CSV', async () => {
    const runId = await startRunAndFollow({ ...pipeline.env, GATEWAY_URL: gatewayUrl }, [
      '--topology',
      topology,
      '--from',
      window.from,
      '--to',
      window.to,
    ]);
    const before = await tasksOf(runId);
    expect(before).toHaveLength(8);
    const selections = [...new Set(before.map((task) => task.selection))].slice(0, 2);

    // A window that chooses nothing is refused with a typed error.
    await expect(
      cli(['run', 'retry', runId, '--selections', selections.join(','), '--from', '2024-01-01 00:00']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('NothingToRetryError') as string });

    const retried = await cli(['run', 'retry', runId, '--selections', selections.join(',')]);
    expect(retried.stdout).toBe(`retry of 4 chosen task(s) of run ${runId} requested\n`);

    await expect
      .poll(
        async () => {
          const run = await getRun(pipeline.database.db, runId);
          return run && { generation: run.generation, status: run.status };
        },
        { timeout: 60_000, interval: 250 },
      )
      .toEqual({ generation: 1, status: 'SUCCEEDED' });

    const after = await tasksOf(runId);
    expect(after).toHaveLength(8);
    after.forEach((task, i) => {
      const was = before[i]!;
      expect(task).toMatchObject({ selection: was.selection, startDate: was.startDate, status: 'FINISHED' });
      if (selections.includes(task.selection)) {
        expect(task.generation).toBe(was.generation + 1);
        expect(task.attempt).toBeGreaterThanOrEqual(1);
      } else {
        expect(task).toEqual(was);
      }
    });
    expect(await exported(runId)).toBe(await monolithCsv({ topology, ...window, chunk: 'month' }));
  });
});
