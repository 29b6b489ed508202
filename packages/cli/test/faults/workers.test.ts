// Workers die and are stopped while a run goes on: nothing is lost, nothing is written twice.
import { once } from 'node:events';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { slowGridRequest, startFaultPipeline } from './support/pipeline.js';
import {
  checkRun,
  crashed,
  expectIntact,
  redeliveries,
  redeliveryMs,
  report,
  terminalMs,
  waitForFinishedTasks,
  type RunRequest,
} from './support/checks.js';

// 6 substations × 20 days = 120 tasks of ~300 ms each.
const request = slowGridRequest(11);

describe('worker faults', () => {
  it('SIGKILL of a worker mid-run: its tasks are redelivered, the run matches the monolith', async () => {
    const pipeline = await startFaultPipeline({
      workers: 2,
      env: { SLOW_TASK_MS: '300', WORKER_CONCURRENCY: '4' },
    });
    const runId = await pipeline.requestRun(request);
    await waitForFinishedTasks(pipeline, runId, 10);
    const victim = pipeline.stack.processes().find((p) => p.service === 'worker')!;
    victim.child.kill('SIGKILL');
    await once(victim.child, 'exit');
    const killedAt = new Date();
    await pipeline.stack.addWorker();

    const run = await pipeline.waitForRun(runId);
    const check = await checkRun(pipeline, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    // The default worker id is host-pid: the victim's in-flight tasks were started again by another
    // worker (redelivered), every one of them.
    const victimId = `${hostname()}-${victim.child.pid}`;
    const redelivered = await redeliveries(pipeline, runId, victimId);
    expect(redelivered.held).toBeGreaterThan(0);
    expect(redelivered.redelivered).toBe(redelivered.held);
    // A partition written twice only for a task the victim wrote and died before finishing.
    expect(check.rewritten).toBeLessThanOrEqual(redelivered.held);
    expectIntact(check, 120, { rewritten: check.rewritten });
    expect(crashed(pipeline, new Set([victim.name]))).toEqual([]);
    await report('worker SIGKILLed mid-run (restarted)', check, {
      recoveryMs: await redeliveryMs(pipeline, runId, victimId, killedAt),
      terminalMs: await terminalMs(pipeline, runId, killedAt),
    });
  });

  it('SIGTERM of two of three workers mid-run (scale-down): they finish their tasks and exit 0', async () => {
    const pipeline = await startFaultPipeline({
      workers: 3,
      env: { SLOW_TASK_MS: '300', WORKER_CONCURRENCY: '4' },
    });
    const runId = await pipeline.requestRun(request);
    await waitForFinishedTasks(pipeline, runId, 10);
    const stopped = pipeline.stack
      .processes()
      .filter((p) => p.service === 'worker')
      .slice(0, 2);
    stopped.forEach((worker) => worker.child.kill('SIGTERM'));
    const codes = await Promise.all(stopped.map(async (worker) => (await worker.exited).code));
    expect(codes).toEqual([0, 0]);
    const stoppedAt = new Date();

    const run = await pipeline.waitForRun(runId);
    const check = await checkRun(pipeline, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    // Nothing redelivered: every task started once, its partition written once.
    expect((await redeliveries(pipeline, runId)).startedTwice).toBe(0);
    expectIntact(check, 120);
    expect(crashed(pipeline, new Set(stopped.map((worker) => worker.name)))).toEqual([]);
    await report('two of three workers SIGTERMed mid-run (scale-down)', check, {
      terminalMs: await terminalMs(pipeline, runId, stoppedAt),
      outcome: `${run.status}; both stopped workers exited 0`,
    });
  });

  it('2,000 tasks on 3 workers while a worker is killed every few seconds: zero lost, zero duplicated', async () => {
    const large: RunRequest = {
      topologySource: 'synthetic:substations=20&nodes=5&seed=3',
      from: '2023-01-01 00:00',
      to: '2023-04-10 23:59',
      chunk: 'day',
      calculation: 'slow-grid',
    };
    const pipeline = await startFaultPipeline({
      workers: 3,
      env: { SLOW_TASK_MS: '100', WORKER_CONCURRENCY: '4' },
    });
    const p = pipeline;
    const runId = await p.requestRun(large);
    await waitForFinishedTasks(p, runId, 1);
    const killed = new Set<string>();
    const ready = new Set(p.stack.processes().filter((w) => w.service === 'worker'));
    const replacements: Promise<void>[] = [];
    let done = false;
    let lastKillAt = new Date();
    const completion = p.waitForRun(runId, 540_000).finally(() => (done = true));
    // The loop: every 2–4 s, SIGKILL a random ready worker; a new one starts in its place meanwhile.
    while (!done) {
      await Promise.race([
        completion,
        new Promise((resolve) => setTimeout(resolve, 2000 + Math.random() * 2000)),
      ]);
      const victim = [...ready][Math.floor(Math.random() * ready.size)];
      if (done || !victim) continue;
      ready.delete(victim);
      victim.child.kill('SIGKILL');
      lastKillAt = new Date();
      killed.add(victim.name);
      replacements.push(p.stack.addWorker().then((worker) => void ready.add(worker)));
    }
    const run = await completion;
    await Promise.all(replacements);
    const check = await checkRun(p, runId, large);
    expect(run.status).toBe('SUCCEEDED');
    expect(killed.size).toBeGreaterThanOrEqual(3);
    // The kills were felt (tasks started again), and a partition was written twice only for a task
    // whose computation was lost with its worker, never more.
    const { startedTwice } = await redeliveries(p, runId);
    expect(startedTwice).toBeGreaterThan(0);
    expect(check.rewritten).toBeLessThanOrEqual(startedTwice);
    expectIntact(check, 2000, { rewritten: check.rewritten });
    expect(crashed(p, killed)).toEqual([]);
    await report(`kill loop: ${killed.size} workers SIGKILLed during a 2,000-task run`, check, {
      terminalMs: await terminalMs(p, runId, lastKillAt),
    });
  }, 600_000);
});
