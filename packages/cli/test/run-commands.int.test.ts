// `conveyor run …` against a running gateway (and a poller recording what it publishes), as a user
// runs it: a child process, its exit code, stdout and stderr.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { getRun, recordEvents, writeTaskResults } from '@conveyor/db';
import { taskPartitionOf } from '@conveyor/db/testing';
import { RESULT_CSV_HEADER } from '@conveyor/grid';
import { createEvent, taskIdFor } from '@conveyor/messages';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

const TOKEN = 'cli-test-token-0123456789';
const cliMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let pipeline: TestPipeline;
let gatewayUrl: string;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 0,
    services: ['poller', 'gateway'],
    env: { GATEWAY_PORT: String(port), GATEWAY_TOKEN: TOKEN },
  });
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
}, 60_000);

type Outcome = { code: number; stdout: string; stderr: string };

/** `conveyor …` as a child process; resolves with its exit code whatever it is. */
function conveyor(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@conveyor/source', cliMain, ...args],
      { env: { ...pipeline.env, GATEWAY_URL: gatewayUrl, GATEWAY_TOKEN: TOKEN, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const START = ['run', 'start', '--topology', 'synthetic:substations=2&nodes=5&seed=3'];
const WINDOW = ['--from', '2023-01-01 00:00', '--to', '2023-01-31 23:59'];

/** A finished run with results, recorded as the pipeline would have. */
async function seedFinishedRun(status: 'SUCCEEDED' | 'FAILED') {
  const runId = uuidv4();
  const base = { runId, producer: 'test' };
  const task = {
    taskId: taskIdFor(runId, '1', '2023-01-01 00:00'),
    selection: '1',
    startDate: '2023-01-01 00:00',
    endDate: '2023-01-31 23:59',
  };
  const counts = {
    total: 1,
    queued: 0,
    started: 0,
    finished: status === 'SUCCEEDED' ? 1 : 0,
    failed: status === 'FAILED' ? 1 : 0,
    cancelled: 0,
  };
  await recordEvents(pipeline.database.db, [
    createEvent('run.requested', {
      ...base,
      data: {
        window: { start: task.startDate, end: task.endDate },
        chunk: 'month',
        selections: ['1'],
        topologySource: 'synthetic:substations=1&nodes=5&seed=3',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
    createEvent('run.planned', { ...base, data: { topologyId: 't', taskCount: 1, generation: 0 } }),
    createEvent('tasks.queued', { ...base, data: { tasks: [task], generation: 0 } }),
    status === 'SUCCEEDED'
      ? createEvent('task.finished', {
          ...base,
          taskId: task.taskId,
          data: {
            attempt: 1,
            workerId: 'w',
            finishedAt: new Date().toISOString(),
            durationMs: 2,
            summary: { cables: 1, maxUtilization: 0.25, overloadedCables: 0, energyKwh: 7 },
            resultRows: 1,
            generation: 0,
          },
        })
      : createEvent('task.failed', {
          ...base,
          taskId: task.taskId,
          data: {
            attempt: 1,
            workerId: 'w',
            error: { message: 'boom', kind: 'permanent' },
            final: true,
            generation: 0,
          },
        }),
    createEvent('run.completed', { ...base, data: { status, counts, durationMs: 10, generation: 0 } }),
  ]);
  if (status === 'SUCCEEDED') {
    await writeTaskResults(
      pipeline.database.db,
      taskPartitionOf({ runId, taskId: task.taskId }, [
        {
          ...task,
          cableId: 'k1',
          capacityKw: 4,
          peakKw: 0.1 + 0.2,
          peakAt: '2023-01-05 18:00',
          utilization: 0.075,
          overloadedIntervals: 0,
          energyKwh: 7,
        },
      ]),
    );
  }
  return runId;
}

describe('conveyor run start', () => {
  it('prints {"runId"} with --json, and the run is there to show', async () => {
    const started = await conveyor([...START, ...WINDOW, '--chunk', 'week', '--selections', '1,2', '--json']);
    expect(started).toMatchObject({ code: 0, stderr: '' });
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    for (let i = 0; i < 100 && !(await getRun(pipeline.database.db, runId)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the poller records run.requested
    }
    const shown = await conveyor(['run', 'show', runId, '--format', 'text']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`run ${runId}  REQUESTED`);
    expect(shown.stdout).toContain('synthetic:substations=2&nodes=5&seed=3');
    expect(shown.stdout).toContain('chunk WEEK, selections 1,2');
    // JSON when stdout is not a terminal.
    const json = await conveyor(['run', 'show', runId]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: runId,
      status: 'REQUESTED',
      request: { requestedBy: 'token' },
    });

    const listed = await conveyor(['run', 'list', '--status', 'requested', '--format', 'text']);
    expect(listed.stdout).toMatch(new RegExp(`^${runId}  REQUESTED `, 'm'));
    const listedJson = await conveyor(['run', 'list', '--json']);
    expect(JSON.parse(listedJson.stdout)).toContainEqual(
      expect.objectContaining({ id: runId, status: 'REQUESTED' }),
    );
  });

  it('exits 1 with the reason when the gateway refuses the token', async () => {
    const refused = await conveyor([...START, ...WINDOW], { GATEWAY_TOKEN: 'not-the-right-token' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('bearer token');
  });

  it('exits 1 with the typed error of the mutation', async () => {
    const invalid = await conveyor([
      'run',
      'start',
      '--topology',
      'synthetic:substations=0&nodes=1&seed=1',
      ...WINDOW,
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(
      /^InvalidSourceError: synthetic substations must be .* \(topologySource\)/,
    );
    // A whole --bundle out of range is the gateway's to refuse.
    expect(await conveyor([...START, ...WINDOW, '--bundle', '1001'])).toMatchObject({
      code: 1,
      stderr:
        'InvalidBundleSizeError: bundleSize 1001 is out of range: a task message carries 1 to 1000 tasks (bundleSize)\n',
    });
  });

  it('exits 1 when the gateway is not there', async () => {
    const down = await conveyor([...START, ...WINDOW], {
      GATEWAY_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the gateway');
  });
});

describe('bad arguments', () => {
  it.each([
    [['run', 'start']],
    [['run', 'start', '--topology', 'synthetic:substations=1&nodes=1&seed=1']],
    [[...START, '--from', '2023-13-01 00:00', '--to', '2023-12-31 23:59']],
    [[...START, ...WINDOW, '--chunk', 'year']],
    [[...START, ...WINDOW, '--bogus']],
    [[...START, ...WINDOW, '--bundle', 'ten']],
    [[...START, ...WINDOW, '--bundle', '2.5']],
    [['run', 'show']],
    [['run', 'cancel', 'a', 'b']],
    [['run', 'follow']],
    [['run', 'list', '--first', '0']],
    [['run', 'show', uuidv4(), '--format', 'yaml']],
    [['run', 'export', uuidv4()]],
    [['run', 'export', uuidv4(), '--out', 'x', '--format', 'xml']],
  ])('%j exits 2 with a usage message', async (args) => {
    const outcome = await conveyor(args);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/^conveyor run \w+: /);
  });
});

describe('conveyor run cancel / retry', () => {
  it('requests the cancellation of a run in progress', async () => {
    const started = await conveyor([...START, ...WINDOW, '--json']);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    for (let i = 0; i < 100 && !(await getRun(pipeline.database.db, runId)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancelled = await conveyor(['run', 'cancel', runId]);
    expect(cancelled).toMatchObject({ code: 0, stdout: `cancellation of run ${runId} requested\n` });
  });

  it('exit 1 with RunNotFoundError, RunAlreadyFinishedError and NothingToRetryError', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await conveyor(['run', 'cancel', unknown])).toMatchObject({
      code: 1,
      stderr: `RunNotFoundError: no run ${unknown}\n`,
    });
    const runId = await seedFinishedRun('SUCCEEDED');
    expect(await conveyor(['run', 'cancel', runId])).toMatchObject({
      code: 1,
      stderr: `RunAlreadyFinishedError: run ${runId} is already SUCCEEDED\n`,
    });
    expect(await conveyor(['run', 'retry', runId])).toMatchObject({
      code: 1,
      stderr: `NothingToRetryError: run ${runId} has no failed task\n`,
    });
  });

  it('retries the failed tasks of a failed run', async () => {
    const runId = await seedFinishedRun('FAILED');
    expect(await conveyor(['run', 'retry', runId])).toMatchObject({
      code: 0,
      stdout: `retry of 1 failed task(s) of run ${runId} requested\n`,
    });
  });
});

describe('conveyor run follow / export', () => {
  it('follow exits 0 for a run that SUCCEEDED and 1 for one that FAILED', async () => {
    const succeeded = await seedFinishedRun('SUCCEEDED');
    const ok = await conveyor(['run', 'follow', succeeded]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`run ${succeeded}: SUCCEEDED — 1 finished, 0 failed, 0 cancelled of 1`);
    const failed = await seedFinishedRun('FAILED');
    const ko = await conveyor(['run', 'follow', failed]);
    expect(ko.code).toBe(1);
    expect(ko.stderr).toContain(`run ${failed}: FAILED`);
  });

  it("export writes the run's results CSV", async () => {
    const runId = await seedFinishedRun('SUCCEEDED');
    const out = join(await mkdtemp(join(tmpdir(), 'conveyor-export-')), 'results.csv');
    expect(await conveyor(['run', 'export', runId, '--out', out])).toMatchObject({
      code: 0,
      stdout: `wrote ${out}\n`,
    });
    expect(await readFile(out, 'utf8')).toBe(
      `${RESULT_CSV_HEADER}\n1,2023-01-01 00:00,2023-01-31 23:59,k1,4,0.30000000000000004,2023-01-05 18:00,0.075,0,7\n`,
    );
    const missing = await conveyor(['run', 'export', uuidv4(), '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('HTTP 404');
  });

  it('export --format parquet writes the Parquet file of the gateway', async () => {
    const runId = await seedFinishedRun('SUCCEEDED');
    const out = join(await mkdtemp(join(tmpdir(), 'conveyor-export-')), 'results.parquet');
    expect(await conveyor(['run', 'export', runId, '--out', out, '--format', 'parquet'])).toMatchObject({
      code: 0,
      stdout: `wrote ${out}\n`,
    });
    const served = await fetch(`${gatewayUrl}/runs/${runId}/results.parquet`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const file = await readFile(out);
    expect(file.subarray(0, 4).toString()).toBe('PAR1');
    expect(file.equals(Buffer.from(await served.arrayBuffer()))).toBe(true);
  });
});
