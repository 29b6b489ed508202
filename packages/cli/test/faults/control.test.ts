// Taking control of a run, through the gateway as a user would: cancelling it, retrying its failed
// tasks, and a worker that hangs (stalls) then dies.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getRun, hasCompleted } from '@conveyor/db';
import { freePort } from '../../src/stack/processes.js';
import { slowGridRequest, startFaultPipeline, type FaultPipeline } from './support/pipeline.js';
import {
  checkRun,
  crashed,
  expectIntact,
  queryRows,
  recoveryMs,
  report,
  terminalMs,
  waitForStartedTask,
  type RunRequest,
} from './support/checks.js';

let gatewayUrl = '';

async function startWithGateway(workers: number, env: NodeJS.ProcessEnv) {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  return startFaultPipeline({
    workers,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: { GATEWAY_PORT: String(port), ...env },
  });
}

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/**
 * Polls until the run's generation `generation` has completed: its completion claimed and published,
 * and its run.completed projected (the status set). The claim is marked published as soon as the broker
 * confirms run.completed, a batch before the poller records it: waiting for that alone raced the status.
 */
async function waitForGeneration(p: FaultPipeline, runId: string, generation: number, timeoutMs = 120_000) {
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

describe('control', () => {
  it('cancelRun: running tasks are aborted, queued ones skipped, the run ends CANCELLED once', async () => {
    // Tasks of 30 s: a task that ends before the run does can only have been aborted.
    const pipeline = await startWithGateway(2, {
      SLOW_TASK_MS: '30000',
      WORKER_CONCURRENCY: '2',
      WORKER_HEARTBEAT_MS: '300',
    });
    const p = pipeline;
    const request = slowGridRequest(19);
    const runId = await p.requestRun(request);
    await waitForStartedTask(p, runId);
    const started = Date.now();
    const result = await graphql<{ cancelRun: { __typename: string } }>(
      'mutation($id: ID!) { cancelRun(id: $id) { __typename } }',
      { id: runId },
    );
    expect(result.cancelRun.__typename).toBe('CancelRunSuccess');

    const run = await p.waitForRun(runId, 60_000);
    const cancelledInMs = Date.now() - started;
    const check = await checkRun(p, runId);
    expect(run.status).toBe('CANCELLED');
    expect(check).toMatchObject({ tasks: 120, byStatus: { CANCELLED: 120 }, missingRows: 0, extraRows: 0 });
    expect(check.completedEvents).toBe(1);
    // The tasks that were running were aborted through their AbortSignal: no results, no finish.
    const [results] = await queryRows(p, sql`SELECT COUNT(*) AS n FROM task_results WHERE run_id = ${runId}`);
    expect(Number(results?.n)).toBe(0);
    const [aborted] = await queryRows(
      p,
      sql`SELECT COUNT(DISTINCT task_id) AS n FROM run_events
          WHERE run_id = ${runId} AND type = 'task.cancelled'
            AND task_id IN (SELECT task_id FROM run_events WHERE run_id = ${runId} AND type = 'task.started')`,
    );
    expect(Number(aborted?.n)).toBeGreaterThanOrEqual(1);
    expect(crashed(p)).toEqual([]);
    await report(`cancelRun mid-run (${Number(aborted?.n)} running tasks aborted, the rest skipped)`, check, {
      recoveryMs: cancelledInMs,
      terminalMs: cancelledInMs,
      outcome: `${run.status} (time to recover: request → CANCELLED)`,
    });
  });

  it('retryFailedTasks: only the failed tasks run again, in a new generation; history keeps both', async () => {
    const pipeline = await startWithGateway(2, { WORKER_CONCURRENCY: '2' });
    const p = pipeline;
    const request: RunRequest = {
      topologySource: 'synthetic:substations=4&nodes=30&seed=23',
      from: '2023-01-01 00:00',
      to: '2023-03-31 23:59',
      chunk: 'month',
      calculation: 'grid-fails-first',
    };
    const runId = await p.requestRun(request);
    const failed = await p.waitForRun(runId);
    expect(failed.status).toBe('FAILED');
    expect(await checkRun(p, runId)).toMatchObject({ tasks: 12, byStatus: { FINISHED: 9, FAILED: 3 } });

    const retried = await graphql<{ retryFailedTasks: { __typename: string; taskCount?: number } }>(
      'mutation($id: ID!) { retryFailedTasks(runId: $id) { __typename ... on RetryFailedTasksSuccess { taskCount } } }',
      { id: runId },
    );
    expect(retried.retryFailedTasks).toEqual({ __typename: 'RetryFailedTasksSuccess', taskCount: 3 });
    const run = await waitForGeneration(p, runId, 1);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.generation).toBe(1);
    expectIntact(check, 12, { completedEvents: 2 });
    // The history: selection 2 failed in generation 0 and finished in generation 1; nothing else re-ran.
    const history = await queryRows(
      p,
      sql`SELECT type, JSON_VALUE(data, '$.generation') AS generation, COUNT(*) AS n FROM run_events
          WHERE run_id = ${runId} AND type IN ('task.finished', 'task.failed', 'run.completed')
          GROUP BY type, generation ORDER BY type, generation`,
    );
    expect(history.map((row) => [row.type, Number(row.generation), Number(row.n)])).toEqual([
      ['run.completed', 0, 1],
      ['run.completed', 1, 1],
      ['task.failed', 0, 3],
      ['task.finished', 0, 9],
      ['task.finished', 1, 3],
    ]);
    expect(crashed(p)).toEqual([]);
    await report('permanent failures, then retryFailedTasks (generation 1)', check, {
      outcome: `FAILED, then ${run.status} after the retry`,
    });
  });

  it('a hung worker: its task is reported stalled (GraphQL, metrics), then redelivered once it is gone', async () => {
    const pipeline = await startWithGateway(1, {
      SLOW_TASK_MS: '2000',
      WORKER_CONCURRENCY: '1',
      WORKER_HEARTBEAT_MS: '300',
      STALL_TIMEOUT_MS: '1500',
      POLLER_INTERVAL_MS: '300',
    });
    const p = pipeline;
    const request: RunRequest = {
      topologySource: 'synthetic:substations=2&nodes=20&seed=29',
      from: '2023-01-01 00:00',
      to: '2023-01-02 23:59',
      chunk: 'day',
      calculation: 'slow-grid',
    };
    const runId = await p.requestRun(request);
    await waitForStartedTask(p, runId);
    const worker = p.stack.processes().find((proc) => proc.service === 'worker')!;
    worker.child.kill('SIGSTOP'); // hung: no heartbeat, no progress, its connection still open

    const stalledQuery = 'query($id: ID!) { run(id: $id) { stalledTasks(olderThanSeconds: 2) { id } } }';
    let stalled: string[] = [];
    for (let i = 0; i < 100 && stalled.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const data = await graphql<{ run: { stalledTasks: { id: string }[] } }>(stalledQuery, { id: runId });
      stalled = data.run.stalledTasks.map((task) => task.id);
    }
    // The task the worker hung in: not necessarily the first one seen STARTED, which may have ended
    // just before the SIGSTOP on a slow machine.
    const running = await queryRows(
      p,
      sql`SELECT task_id FROM run_process WHERE run_id = ${runId} AND task_status = 'STARTED'`,
    );
    expect(stalled).toEqual(running.map((row) => String(row.task_id)));
    expect(stalled).toHaveLength(1);
    const poller = p.stack.processes().find((proc) => proc.service === 'poller')!;
    let gauge = 0;
    for (let i = 0; i < 50 && gauge === 0; i++) {
      const metrics = await (await fetch(`http://127.0.0.1:${poller.healthPort}/metrics`)).text();
      gauge = Number(/^conveyor_poller_stalled_tasks(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0);
      if (gauge === 0) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(gauge).toBe(1);

    // The worker is gone: RabbitMQ gives its unacked task to the next worker.
    worker.child.kill('SIGKILL');
    await worker.exited;
    const goneAt = new Date();
    await p.stack.addWorker();
    const run = await p.waitForRun(runId);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 4);
    const after = await graphql<{ run: { stalledTasks: unknown[] } }>(stalledQuery, { id: runId });
    expect(after.run.stalledTasks).toEqual([]);
    expect(crashed(p, new Set([worker.name]))).toEqual([]);
    await report('worker hung (SIGSTOP): reported stalled, then killed', check, {
      recoveryMs: await recoveryMs(p, runId, goneAt),
      terminalMs: await terminalMs(p, runId, goneAt),
    });
  });
});
