import { once } from 'node:events';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

const fixtures = fileURLToPath(new URL('./fixtures/calculations.ts', import.meta.url));
const topologySource = 'synthetic:substations=4&nodes=20&seed=5';
let pipeline: TestPipeline | undefined;

afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
}, 60_000);

async function rows(p: TestPipeline, query: ReturnType<typeof sql>) {
  const [result] = (await p.database.db.execute(query)) as unknown as [Record<string, unknown>[]];
  return result;
}

async function waitForStartedTask(p: TestPipeline, runId: string) {
  for (let i = 0; i < 300; i++) {
    const started = await rows(
      p,
      sql`SELECT task_id FROM run_process WHERE run_id = ${runId} AND task_status = 'STARTED'`,
    );
    if (started.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no task started');
}

describe('worker lifecycle', () => {
  it('a worker yields the CPU: it runs at WORKER_NICE (10 by default), the other services unchanged', async () => {
    pipeline = await startTestPipeline({ workers: 1 });
    const priorityOf = (service: string) =>
      getPriority(pipeline!.stack.processes().find((p) => p.service === service)!.child.pid);
    expect(priorityOf('worker')).toBe(Math.max(10, getPriority()));
    expect(priorityOf('poller')).toBe(getPriority());
  });

  it('a worker stopped with SIGTERM mid-task finishes its task and exits 0', async () => {
    pipeline = await startTestPipeline({
      workers: 1,
      env: { CALCULATION_MODULES: fixtures, SLOW_TASK_MS: '2000' },
    });
    const runId = await pipeline.requestRun({
      topologySource,
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
      selections: ['1'],
      calculation: 'slow',
    });
    await waitForStartedTask(pipeline, runId);
    const worker = pipeline.stack.processes().find((p) => p.service === 'worker')!;
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);

    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('SUCCEEDED');
    const finished = await rows(
      pipeline,
      sql`SELECT COUNT(*) AS n FROM run_events WHERE run_id = ${runId} AND type = 'task.finished'`,
    );
    expect(Number(finished[0]?.n)).toBe(1);
  });

  it('a worker killed with SIGKILL mid-task loses nothing: the task is redelivered and finishes once', async () => {
    pipeline = await startTestPipeline({
      workers: 1,
      env: { CALCULATION_MODULES: fixtures, SLOW_TASK_MS: '3000' },
    });
    const runId = await pipeline.requestRun({
      topologySource,
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
      selections: ['1'],
      calculation: 'slow',
    });
    await waitForStartedTask(pipeline, runId);
    const worker = pipeline.stack.processes().find((p) => p.service === 'worker')!;
    worker.child.kill('SIGKILL');
    await once(worker.child, 'exit');
    await pipeline.stack.addWorker();

    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('SUCCEEDED');
    const tasks = await rows(
      pipeline,
      sql`SELECT task_status AS status FROM run_process WHERE run_id = ${runId}`,
    );
    expect(tasks).toEqual([{ status: 'FINISHED' }]);
    const finished = await rows(
      pipeline,
      sql`SELECT COUNT(*) AS n FROM run_events WHERE run_id = ${runId} AND type = 'task.finished'`,
    );
    expect(Number(finished[0]?.n)).toBe(1);
  });

  it('two pollers record every event once and publish the completion once', async () => {
    pipeline = await startTestPipeline({ workers: 2 });
    await pipeline.stack.add('poller');
    const runId = await pipeline.requestRun({
      topologySource,
      from: '2023-01-01 00:00',
      to: '2023-01-20 23:59',
      chunk: 'day',
      calculation: 'noop',
    });
    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('SUCCEEDED');
    const completed = await rows(
      pipeline,
      sql`SELECT COUNT(*) AS n FROM run_events WHERE run_id = ${runId} AND type = 'run.completed'`,
    );
    expect(Number(completed[0]?.n)).toBe(1);
    const finished = await rows(
      pipeline,
      sql`SELECT COUNT(*) AS n FROM run_process WHERE run_id = ${runId} AND task_status = 'FINISHED'`,
    );
    expect(Number(finished[0]?.n)).toBe(4 * 20);
  });
});
