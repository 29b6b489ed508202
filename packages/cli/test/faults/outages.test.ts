// The broker and the database go away mid-run and come back: the services wait, reconnect and finish
// the run as if nothing had happened. The services run as a least-privileged database user throughout.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TestPipeline } from '../support/pipeline.js';
import { slowGridRequest, startFaultPipeline } from './support/pipeline.js';
import {
  checkRun,
  crashed,
  expectIntact,
  recoveryMs,
  replayRecordedEvents,
  report,
  rewrittenByRetriedWrites,
  terminalMs,
  waitForFinishedTasks,
} from './support/checks.js';
import { createBrokerFaults } from './support/faults.js';

const OUTAGE_MS = 5_000;

// 6 substations × 20 days = 120 tasks of ~400 ms each, 4 at a time: the outages hit a run in progress.
const request = slowGridRequest(13);
const env = { SLOW_TASK_MS: '400', WORKER_CONCURRENCY: '2' };

/** No password, of the database user or the broker's, in anything a service printed. */
function expectNoSecrets(p: TestPipeline, secrets: string[]) {
  for (const secret of secrets) expect(p.logs.filter((line) => line.includes(secret))).toEqual([]);
}

describe('outages', () => {
  it('the broker goes away for 5 s mid-run: every service reconnects and the run completes intact', async () => {
    const broker = await createBrokerFaults();
    const pipeline = await startFaultPipeline({ workers: 2, namespace: broker, env });
    const runId = await pipeline.requestRun(request);
    await waitForFinishedTasks(pipeline, runId, 10);

    await broker.outage();
    await sleep(OUTAGE_MS);
    await broker.restore();
    const restoredAt = new Date();

    const run = await pipeline.waitForRun(runId, 180_000);
    const check = await checkRun(pipeline, runId, request);
    // The outage hit a run in progress: tasks finished after it.
    const recovered = await recoveryMs(pipeline, runId, restoredAt);
    expect(recovered).not.toBeNull();
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 120);
    expect(crashed(pipeline)).toEqual([]);
    expect(pipeline.logs.some((line) => line.includes('reconnect'))).toBe(true);
    expectNoSecrets(pipeline, [':guest@', pipeline.databaseFaults.password]);
    await report('RabbitMQ unavailable for 5 s mid-run (connections closed and refused)', check, {
      recoveryMs: recovered,
      terminalMs: await terminalMs(pipeline, runId, restoredAt),
    });
  });

  it('the database goes away for 5 s mid-run: the poller stops acking, the worker retries, nothing is lost', async () => {
    const pipeline = await startFaultPipeline({ workers: 2, env });
    const db = pipeline.databaseFaults;
    const runId = await pipeline.requestRun(request);
    await waitForFinishedTasks(pipeline, runId, 10);

    await db.outage();
    await sleep(OUTAGE_MS / 2);
    await replayRecordedEvents(pipeline, runId); // the poller must write (and fail) during the outage
    await sleep(OUTAGE_MS / 2);
    await db.restore();
    const restoredAt = new Date();

    const run = await pipeline.waitForRun(runId, 180_000);
    const check = await checkRun(pipeline, runId, request);
    // The outage hit a run in progress: tasks finished after it.
    const recovered = await recoveryMs(pipeline, runId, restoredAt);
    expect(recovered).not.toBeNull();
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 120, { rewritten: rewrittenByRetriedWrites(pipeline, check) });
    expect(crashed(pipeline)).toEqual([]);
    // The outage was felt: the poller kept a batch unacked and retried it; the workers retried their writes.
    const felt = (service: string, message: string) =>
      pipeline.logs.some((line) => line.startsWith(service) && line.includes(message));
    expect(felt('poller', 'batch failed; retrying')).toBe(true);
    expect(felt('worker', 'result write failed; retrying')).toBe(true);
    expectNoSecrets(pipeline, [db.password]);
    await report('MySQL unavailable for 5 s mid-run (connections killed, account locked)', check, {
      recoveryMs: recovered,
      terminalMs: await terminalMs(pipeline, runId, restoredAt),
    });
  });
});
