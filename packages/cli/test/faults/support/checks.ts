// What every fault test checks after its run, and the row it adds to the suite's report.
import { appendFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { datetimeIso, datetimeMs, toDatetime } from '@conveyor/db';
import { expect } from 'vitest';
import type { TestPipeline } from '../../support/pipeline.js';
import type { FaultPipeline } from './pipeline.js';
import { exportedCsv, monolithCsv } from '../../support/results.js';
import { REPORT_FILE, type FaultReportRow } from './report-file.js';

export type RunRequest = {
  topologySource: string;
  from: string;
  to: string;
  chunk: 'day' | 'week' | 'month';
  calculation: string;
};

async function rows(p: TestPipeline, query: ReturnType<typeof sql>) {
  const [result] = (await p.database.db.execute(query)) as unknown as [Record<string, unknown>[]];
  return result;
}

const monolithCache = new Map<string, Promise<string>>();

/** The monolith's CSV for a request (computed once per request per file). */
export function monolithFor(request: RunRequest) {
  const key = JSON.stringify([request.topologySource, request.from, request.to, request.chunk]);
  let csv = monolithCache.get(key);
  if (!csv) {
    csv = monolithCsv({
      topology: request.topologySource,
      from: request.from,
      to: request.to,
      chunk: request.chunk,
    });
    monolithCache.set(key, csv);
  }
  return csv;
}

export type RunCheck = {
  status: string;
  /** Planned tasks of the run (the latest generation's plan included). */
  tasks: number;
  /** run_process rows by status. */
  byStatus: Record<string, number>;
  /** Tasks without a row in run_process, and rows beyond one per task. */
  missingRows: number;
  extraRows: number;
  /** Result rows of the monolith missing from the run's results, and result rows beyond them. */
  lost: number;
  duplicated: number;
  /** Result writes beyond one per finished computation (`task_results.writes` − its task.finished). */
  rewritten: number;
  /** `run.completed` events *published* (counted on the pipeline's tap, copies included). */
  completedEvents: number;
};

/** Reads back what a run left: its status, its task rows, its results against the monolith's. */
export async function checkRun(p: FaultPipeline, runId: string, oracle?: RunRequest): Promise<RunCheck> {
  const [run] = await rows(p, sql`SELECT status, task_count FROM runs WHERE id = ${runId}`);
  const processRows = await rows(
    p,
    sql`SELECT task_status AS status, COUNT(*) AS n, COUNT(DISTINCT task_id) AS tasks
        FROM run_process WHERE run_id = ${runId} GROUP BY task_status`,
  );
  const byStatus = Object.fromEntries(processRows.map((row) => [String(row.status), Number(row.n)]));
  const rowCount = processRows.reduce((sum, row) => sum + Number(row.n), 0);
  const [distinct] = await rows(
    p,
    sql`SELECT COUNT(DISTINCT task_id) AS n FROM run_process WHERE run_id = ${runId}`,
  );
  // Per task: how many times its partition was written, how many computations finished it.
  const [writes] = await rows(
    p,
    sql`SELECT COALESCE(SUM(GREATEST(0, r.writes - (
          SELECT COUNT(*) FROM run_events f
          WHERE f.run_id = r.run_id AND f.task_id = r.task_id AND f.type = 'task.finished'))), 0) AS n
        FROM task_results r WHERE r.run_id = ${runId}`,
  );
  const tasks = Number(run?.task_count ?? 0);
  let lost = 0;
  let duplicated = 0;
  if (oracle) {
    const expected = lines(await monolithFor(oracle));
    const actual = lines(await exportedCsv(p.database.db, runId));
    for (const [line, count] of expected) {
      const got = actual.get(line) ?? 0;
      if (got < count) lost += count - got;
    }
    for (const [line, count] of actual) duplicated += Math.max(0, count - (expected.get(line) ?? 0));
  }
  return {
    status: String(run?.status),
    tasks,
    byStatus,
    missingRows: Math.max(0, tasks - Number(distinct?.n ?? 0)),
    extraRows: rowCount - Number(distinct?.n ?? 0),
    lost,
    duplicated,
    rewritten: Number(writes?.n ?? 0),
    completedEvents: await p.tap.count('run.completed', runId),
  };
}

/**
 * The contract after a fault: the run SUCCEEDED; each of its `tasks` has exactly one row, FINISHED;
 * the results are the monolith's, none lost, none twice; each partition written once per computation
 * that finished it (`rewritten`: more, after a worker died between writing and finishing); and
 * `run.completed` was published once per generation (`completedEvents`).
 */
export function expectIntact(
  check: RunCheck,
  tasks: number,
  expected: { completedEvents?: number; rewritten?: number } = {},
) {
  expect(check).toEqual({
    status: 'SUCCEEDED',
    tasks,
    byStatus: { FINISHED: tasks },
    missingRows: 0,
    extraRows: 0,
    lost: 0,
    duplicated: 0,
    rewritten: expected.rewritten ?? 0,
    completedEvents: expected.completedEvents ?? 1,
  });
}

/**
 * Partitions a database outage may have written twice: a worker retries a write the outage cut off,
 * which may have been stored before the connection went — never more often than workers retried.
 * Checks that bound and returns the count, for `expectIntact`.
 */
export function rewrittenByRetriedWrites(p: TestPipeline, check: RunCheck) {
  const retried = p.logs.filter((l) => l.startsWith('worker') && l.includes('result write failed; retrying'));
  expect(check.rewritten).toBeLessThanOrEqual(retried.length);
  return check.rewritten;
}

function lines(csv: string) {
  const counts = new Map<string, number>();
  for (const line of csv.split('\n').slice(1)) {
    if (line) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

/**
 * Milliseconds from `since` (the end of a fault) to the first task the run finished after it, from
 * the workers' own clocks in the event store; null when no task finished after it.
 */
export async function recoveryMs(p: TestPipeline, runId: string, since: Date): Promise<number | null> {
  const [row] = await rows(
    p,
    sql`SELECT MIN(occurred_at) AS at FROM run_events
        WHERE run_id = ${runId} AND type = 'task.finished' AND occurred_at > ${toDatetime(since)}`,
  );
  if (typeof row?.at !== 'string') return null;
  return datetimeMs(row.at) - since.getTime();
}

/**
 * Milliseconds from `since` (the end of a fault) to the run's terminal state (its `run.completed`, by
 * the poller's clock); 0 when the run ended before the fault did, null while it has not ended.
 */
export async function terminalMs(p: TestPipeline, runId: string, since: Date): Promise<number | null> {
  const [row] = await rows(p, sql`SELECT completed_at AS at FROM runs WHERE id = ${runId}`);
  if (typeof row?.at !== 'string') return null;
  return Math.max(0, datetimeMs(row.at) - since.getTime());
}

/**
 * Milliseconds from `since` (a worker's death) until every task the worker had started and not
 * finished was finished by another: the redelivery's recovery time. Null if it held none.
 */
export async function redeliveryMs(p: TestPipeline, runId: string, workerId: string, since: Date) {
  const [row] = await rows(
    p,
    sql`SELECT COUNT(DISTINCT f.task_id) AS tasks, MAX(f.occurred_at) AS at
        FROM run_events f
        WHERE f.run_id = ${runId} AND f.type = 'task.finished'
          AND f.task_id IN (
            SELECT s.task_id FROM run_events s
            WHERE s.run_id = ${runId} AND s.type = 'task.started'
              AND JSON_VALUE(s.data, '$.workerId') = ${workerId})
          AND f.task_id NOT IN (
            SELECT d.task_id FROM run_events d
            WHERE d.run_id = ${runId} AND d.type = 'task.finished'
              AND JSON_VALUE(d.data, '$.workerId') = ${workerId})`,
  );
  if (typeof row?.at !== 'string' || Number(row.tasks) === 0) return null;
  return datetimeMs(row.at) - since.getTime();
}

/**
 * The tasks a worker had started and not finished when it went (`held`), and how many of them another
 * worker started again (`redelivered`); `startedTwice`: tasks of the run started more than once.
 */
export async function redeliveries(p: TestPipeline, runId: string, workerId?: string) {
  const [row] = await rows(
    p,
    sql`SELECT
          (SELECT COUNT(*) FROM (
             SELECT task_id FROM run_events WHERE run_id = ${runId} AND type = 'task.started'
             GROUP BY task_id HAVING COUNT(*) > 1) twice) AS started_twice,
          (SELECT COUNT(DISTINCT s.task_id) FROM run_events s
           WHERE s.run_id = ${runId} AND s.type = 'task.started'
             AND JSON_VALUE(s.data, '$.workerId') = ${workerId ?? ''}
             AND s.task_id NOT IN (
               SELECT d.task_id FROM run_events d WHERE d.run_id = ${runId} AND d.type = 'task.finished'
                 AND JSON_VALUE(d.data, '$.workerId') = ${workerId ?? ''})) AS held,
          (SELECT COUNT(DISTINCT s.task_id) FROM run_events s
           WHERE s.run_id = ${runId} AND s.type = 'task.started'
             AND JSON_VALUE(s.data, '$.workerId') = ${workerId ?? ''}
             AND s.task_id NOT IN (
               SELECT d.task_id FROM run_events d WHERE d.run_id = ${runId} AND d.type = 'task.finished'
                 AND JSON_VALUE(d.data, '$.workerId') = ${workerId ?? ''})
             AND s.task_id IN (
               SELECT o.task_id FROM run_events o WHERE o.run_id = ${runId} AND o.type = 'task.started'
                 AND JSON_VALUE(o.data, '$.workerId') <> ${workerId ?? ''})) AS redelivered`,
  );
  return {
    held: Number(row?.held ?? 0),
    redelivered: Number(row?.redelivered ?? 0),
    startedTwice: Number(row?.started_twice ?? 0),
  };
}

/** Publishes again every event recorded for the run so far, as a duplicate delivery would. */
export async function replayRecordedEvents(p: TestPipeline, runId: string): Promise<number> {
  const events = await rows(
    p,
    sql`SELECT event_id, type, version, run_id, task_id, producer, occurred_at, data
        FROM run_events WHERE run_id = ${runId} ORDER BY position`,
  );
  for (const event of events) {
    await p.broker.publishRaw(
      'events',
      {
        id: event.event_id,
        type: event.type,
        version: event.version,
        occurredAt: datetimeIso(String(event.occurred_at)),
        producer: event.producer,
        runId: event.run_id,
        ...(event.task_id ? { taskId: event.task_id } : {}),
        data: typeof event.data === 'string' ? (JSON.parse(event.data) as unknown) : event.data,
      },
      { routingKey: String(event.type) },
    );
  }
  return events.length;
}

/** Waits until `count` tasks of the run are FINISHED (or any, by default). */
export async function waitForFinishedTasks(p: TestPipeline, runId: string, count = 1, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await rows(
      p,
      sql`SELECT COUNT(*) AS n FROM run_process WHERE run_id = ${runId} AND task_status = 'FINISHED'`,
    );
    if (Number(row?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId}: fewer than ${count} tasks finished in ${timeoutMs} ms`);
}

/** Waits until a task of the run is STARTED and returns its id. */
export async function waitForStartedTask(p: TestPipeline, runId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await rows(
      p,
      sql`SELECT task_id FROM run_process WHERE run_id = ${runId} AND task_status = 'STARTED' LIMIT 1`,
    );
    if (row) return String(row.task_id);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId}: no task started in ${timeoutMs} ms`);
}

export { rows as queryRows };

/** Adds a row for one run to the suite's report (printed at the end of `pnpm test:faults`). */
export async function report(
  fault: string,
  check: RunCheck,
  result: { recoveryMs?: number | null; terminalMs?: number | null; outcome?: string } = {},
) {
  const row: FaultReportRow = {
    fault,
    runs: 1,
    tasks: check.tasks,
    lost: check.lost,
    duplicated: check.duplicated,
    recoveryMs: result.recoveryMs ?? null,
    terminalMs: result.terminalMs ?? null,
    outcome: result.outcome ?? check.status,
  };
  await appendFile(REPORT_FILE, `${JSON.stringify(row)}\n`);
}

/** The services still running: a fault must not crash any of them. */
export function crashed(p: TestPipeline, except: Set<string> = new Set()) {
  return p.stack
    .processes()
    .filter((proc) => !except.has(proc.name) && proc.child.exitCode !== null)
    .map((proc) => `${proc.name} exited ${proc.child.exitCode}`);
}
