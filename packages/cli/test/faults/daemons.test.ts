// The real daemons stopped and started while a run goes on (issue 13, case 8): the MariaDB server
// itself, not only a locked account; the RabbitMQ application, not only one vhost's connections.
// Stopping them breaks every other test on the machine: `pnpm test:daemons` runs this file alone,
// after every other test (turbo.json), and each case starts its daemon again whatever happens.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { slowGridRequest, startFaultPipeline } from './support/pipeline.js';
import {
  checkRun,
  crashed,
  expectIntact,
  recoveryMs,
  report,
  rewrittenByRetriedWrites,
  terminalMs,
  waitForFinishedTasks,
  type RunRequest,
} from './support/checks.js';
import { startMariaDb, startRabbitMq, stopMariaDb, stopRabbitMq } from './support/daemons.js';

const DOWN_MS = 5_000;

describe('the real daemons stopped and started', () => {
  it('MariaDB shut down for 5 s mid-run and started again: the run SUCCEEDS intact', async () => {
    const p = await startFaultPipeline({ workers: 2, env: { SLOW_TASK_MS: '300', WORKER_CONCURRENCY: '2' } });
    const request = slowGridRequest(61);
    const runId = await p.requestRun(request);
    await waitForFinishedTasks(p, runId, 10);
    let startedAt: Date;
    try {
      await stopMariaDb();
      await sleep(DOWN_MS);
    } finally {
      await startMariaDb();
      startedAt = new Date();
    }

    const run = await p.waitForRun(runId, 240_000);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 120, { rewritten: rewrittenByRetriedWrites(p, check) });
    expect(crashed(p)).toEqual([]);
    await report('the MariaDB daemon shut down for 5 s mid-run, then started', check, {
      recoveryMs: await recoveryMs(p, runId, startedAt),
      terminalMs: await terminalMs(p, runId, startedAt),
    });
  });

  it('RabbitMQ stopped (stop_app) for 5 s while a run is planned, then started: the run SUCCEEDS', async () => {
    // 20 substations × 100 days = 2,000 `tagged` tasks, published 10 at a time. rabbitmqctl takes a
    // moment to start: the broker stops while the topology is built or the plan is published.
    const plan: RunRequest = {
      topologySource: 'synthetic:substations=20&nodes=4&seed=67',
      from: '2023-01-01 00:00',
      to: '2023-04-10 23:59',
      chunk: 'day',
      calculation: 'tagged',
    };
    const p = await startFaultPipeline({
      workers: 2,
      env: { LEADER_PUBLISH_BATCH: '10', WORKER_CONCURRENCY: '4' },
    });
    const runId = await p.requestRun(plan);
    let startedAt: Date;
    try {
      await stopRabbitMq();
      await sleep(DOWN_MS);
    } finally {
      await startRabbitMq();
      startedAt = new Date();
    }

    const run = await p.waitForRun(runId, 280_000);
    const check = await checkRun(p, runId);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 2000);
    expect(crashed(p)).toEqual([]);
    await report(
      'the RabbitMQ application stopped (stop_app) for 5 s while a 2,000-task run was planned',
      check,
      {
        recoveryMs: await recoveryMs(p, runId, startedAt),
        terminalMs: await terminalMs(p, runId, startedAt),
      },
    );
  });
});
