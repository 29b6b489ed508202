// Every run ends (DESIGN §7, liveness): a task that keeps crashing its worker, an oversized summary.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createEvent, eventIdFor } from '@conveyor/messages';
import { getRun, hasCompleted } from '@conveyor/db';
import { startFaultPipeline, type FaultPipeline } from './support/pipeline.js';
import { checkRun, expectIntact, report, type RunRequest } from './support/checks.js';
import type { ServiceProcess } from '../../src/stack/processes.js';

async function waitForGeneration(p: FaultPipeline, runId: string, generation: number, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = await getRun(p.database.db, runId);
    if (run?.completedGeneration === generation && hasCompleted(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `run ${runId}: generation ${generation} did not complete:\n${p.logs.slice(-40).join('\n')}`,
  );
}

async function taskRows(p: FaultPipeline, runId: string) {
  const [rows] = (await p.database.db.execute(
    sql`SELECT selection, task_status AS status, error FROM run_process WHERE run_id = ${runId} ORDER BY selection`,
  )) as unknown as [{ selection: string; status: string; error: string | null }[]];
  return rows;
}

/** Restarts every worker that dies, as Kubernetes restarts a crashed pod, until `stop`. */
function restartDeadWorkers(p: FaultPipeline) {
  let stopped = false;
  let lastDeathAt = 0;
  let deaths = 0;
  const died = () => {
    deaths++;
    lastDeathAt = Date.now();
  };
  // A new worker may take the deadly task before it reports ready: it dies starting, start another.
  const replace = async () => {
    while (!stopped) {
      try {
        return watch(await p.stack.addWorker());
      } catch {
        died();
      }
    }
  };
  const watch = (worker: ServiceProcess): void => {
    void worker.exited.then(() => {
      if (stopped) return;
      died();
      return replace();
    });
  };
  p.stack
    .processes()
    .filter((proc) => proc.service === 'worker')
    .forEach(watch);
  return {
    stop: () => (stopped = true),
    deaths: () => deaths,
    lastDeathAt: () => lastDeathAt,
  };
}

// 3 substations × 1 month: 3 tasks; selection "2" is the one the plug-in cannot compute.
const request = (calculation: string): RunRequest => ({
  topologySource: 'synthetic:substations=3&nodes=12&seed=31',
  from: '2023-01-01 00:00',
  to: '2023-01-31 23:59',
  chunk: 'month',
  calculation,
});

describe('liveness', () => {
  it('a plug-in that kills its worker: delivery limit → that task FAILED with the reason, then a retry SUCCEEDS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conveyor-killer-'));
    const killer = join(dir, 'kill');
    await writeFile(killer, '');
    let restarts: ReturnType<typeof restartDeadWorkers> | undefined;
    try {
      // One task at a time per worker: a crash hands back only the task that caused it.
      const p = await startFaultPipeline({
        workers: 1,
        env: { KILLER_FILE: killer, WORKER_CONCURRENCY: '1', WORKER_PREFETCH: '1' },
      });
      restarts = restartDeadWorkers(p);
      const runRequest = request('kills-worker-on-2');
      const runId = await p.requestRun(runRequest);
      const failed = await waitForGeneration(p, runId, 0, 540_000);
      const recoveryMs = Date.now() - restarts.lastDeathAt();
      expect(failed.status).toBe('FAILED');
      expect(await taskRows(p, runId)).toEqual([
        { selection: '1', status: 'FINISHED', error: null },
        {
          selection: '2',
          status: 'FAILED',
          error: 'permanent: delivery limit reached: the task crashed or hung its worker 20 times',
        },
        { selection: '3', status: 'FINISHED', error: null },
      ]);
      expect(restarts.deaths()).toBeGreaterThanOrEqual(20);

      // The plug-in is fixed; retryFailedTasks (the gateway publishes this event) runs the task again.
      await rm(killer);
      await p.broker.publishEvent(
        createEvent('run.retry-requested', {
          id: eventIdFor(runId, 'retry', 1),
          runId,
          producer: 'gateway',
          data: { taskIds: null, requestedBy: 'test' },
        }),
      );
      const retried = await waitForGeneration(p, runId, 1);
      expect(retried.status).toBe('SUCCEEDED');
      expectIntact(await checkRun(p, runId, runRequest), 3, { completedEvents: 2 });
      await report('plug-in kills its worker on one task (restarted each time)', await checkRun(p, runId), {
        recoveryMs,
        terminalMs: recoveryMs,
        outcome: 'FAILED (delivery limit), then SUCCEEDED after retryFailedTasks',
      });
    } finally {
      restarts?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('a summary over 1 MiB: that task FAILED with the reason, the run ends FAILED', async () => {
    const p = await startFaultPipeline({ workers: 1 });
    const runRequest = request('huge-summary-on-2');
    const runId = await p.requestRun(runRequest);
    const run = await p.waitForRun(runId);
    expect(run.status).toBe('FAILED');
    const rows = await taskRows(p, runId);
    expect(rows.map((row) => [row.selection, row.status])).toEqual([
      ['1', 'FINISHED'],
      ['2', 'FAILED'],
      ['3', 'FINISHED'],
    ]);
    expect(rows[1]!.error).toMatch(/^permanent: summary over 1 MiB: the calculation's summary is \d+ bytes/);
    await report('a calculation returns a summary over 1 MiB', await checkRun(p, runId), {
      outcome: 'FAILED: that task failed for good with the reason, the others finished',
    });
  });
});
