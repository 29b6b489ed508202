// Heavy: run with `flock /tmp/conveyor-heavy.lock flock -s /tmp/conveyor-daemons.lock`.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createEvent } from '@conveyor/messages';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
}, 60_000);

async function rows(p: TestPipeline, query: ReturnType<typeof sql>) {
  const [result] = (await p.database.db.execute(query)) as unknown as [Record<string, unknown>[]];
  return result;
}

describe('grid-load in a worker thread', () => {
  it('a long task cancelled mid-calculation ends CANCELLED with no partition, and /healthz answers meanwhile', async () => {
    pipeline = await startTestPipeline({
      workers: 1,
      // The task announces its start at once, however fast the machine computes it.
      env: { WORKER_CONCURRENCY: '1', WORKER_STARTED_AFTER_MS: '0' },
    });
    const p = pipeline;
    // One task of 20,000 nodes over a year (700 M node-intervals): seconds of kernel, in the one thread.
    const runId = await p.requestRun({
      topologySource: 'synthetic:substations=1&nodes=20000&seed=3',
      from: '2023-01-01 00:00',
      to: '2023-12-31 23:59',
      chunk: 'none',
    });
    let started = false;
    for (let i = 0; i < 600 && !started; i++) {
      const found = await rows(
        p,
        sql`SELECT 1 FROM run_events WHERE run_id = ${runId} AND type = 'task.started'`,
      );
      started = found.length > 0;
      if (!started) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(started).toBe(true);

    // The main thread is free while the thread computes: its health probe answers, again and again.
    const worker = p.stack.processes().find((proc) => proc.service === 'worker')!;
    for (let i = 0; i < 5; i++) {
      const health = await fetch(`http://127.0.0.1:${worker.healthPort}/healthz`, {
        signal: AbortSignal.timeout(10_000),
      });
      expect(health.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const finishedEarly = await rows(
      p,
      sql`SELECT 1 FROM run_events WHERE run_id = ${runId} AND type = 'task.finished'`,
    );
    expect(finishedEarly).toEqual([]);

    await p.broker.publishEvent(
      createEvent('run.cancel-requested', { runId, producer: 'test', data: { requestedBy: 'test' } }),
    );
    const run = await p.waitForRun(runId, 60_000);
    expect(run.status).toBe('CANCELLED');
    const [tasks] = [await rows(p, sql`SELECT task_status FROM run_process WHERE run_id = ${runId}`)];
    expect(tasks).toEqual([{ task_status: 'CANCELLED' }]);
    const types = await rows(
      p,
      sql`SELECT type FROM run_events WHERE run_id = ${runId} AND task_id IS NOT NULL ORDER BY position`,
    );
    // Started, never finished: the calculation was stopped, not waited for.
    expect(types.map((row) => row.type)).toEqual(['task.started', 'task.cancelled']);
    const partitions = await rows(p, sql`SELECT COUNT(*) AS n FROM task_results WHERE run_id = ${runId}`);
    expect(Number(partitions[0]?.n)).toBe(0);
    expect(worker.child.exitCode).toBeNull();
  }, 180_000);
});
