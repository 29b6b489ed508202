// What `conveyor run list` and `conveyor run show` ask the gateway, and how they print it.
import type { TaskCounts } from '@conveyor/messages';
import { formatEta } from '../progress.js';

export const LIST_QUERY = `query($first: Int, $status: [RunStatus!]) { runs(first: $first, status: $status) {
  nodes { id status percent requestedAt counts { total failed } request { topologySource from to } } } }`;

export type RunSummary = {
  id: string;
  status: string;
  percent: number;
  requestedAt: string | null;
  counts: { total: number; failed: number };
  request: { topologySource: string | null; from: string | null; to: string | null };
};

export const SHOW_QUERY = `query($id: ID!) { run(id: $id) {
  id status reason percent tasksPerSecond etaSeconds durationMs requestedAt startedAt completedAt generation
  request { topologySource from to chunk selections calculation requestedBy }
  counts { total queued started finished failed cancelled }
  topology { id nodeCount }
  resultSummary { rows cables overloadedCables maxUtilization energyKwh reusedTasks }
  resultsCsvUrl
  failedTasks: tasks(status: [FAILED], first: 20) { nodes { id selection startDate attempt error } pageInfo { hasNextPage } } } }`;

export type RunDetails = {
  id: string;
  status: string;
  reason: string | null;
  percent: number;
  tasksPerSecond: number;
  etaSeconds: number | null;
  durationMs: number | null;
  requestedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  generation: number;
  request: {
    topologySource: string | null;
    from: string | null;
    to: string | null;
    chunk: string | null;
    selections: string[] | null;
    calculation: string | null;
    requestedBy: string | null;
  };
  counts: TaskCounts;
  topology: { id: string; nodeCount: number } | null;
  resultSummary: {
    rows: number;
    cables: number;
    overloadedCables: number;
    maxUtilization: number | null;
    energyKwh: number | null;
    /** Tasks that took an earlier run's result (`--reuse`). */
    reusedTasks: number;
  };
  resultsCsvUrl: string;
  failedTasks: {
    nodes: {
      id: string;
      selection: string | null;
      startDate: string | null;
      attempt: number;
      error: string | null;
    }[];
    pageInfo: { hasNextPage: boolean };
  };
};

const write = (line = '') => process.stdout.write(`${line}\n`);

export function printRuns(runs: RunSummary[]): void {
  if (runs.length === 0) {
    write('no runs');
    return;
  }
  write(
    `${'RUN'.padEnd(36)}  ${'STATUS'.padEnd(17)} ${'DONE'.padStart(6)}  ${'TASKS'.padStart(6)}  ${'REQUESTED'.padEnd(24)}  TOPOLOGY`,
  );
  for (const run of runs) {
    const failed = run.counts.failed ? ` (${run.counts.failed} failed)` : '';
    write(
      `${run.id}  ${run.status.padEnd(17)} ${`${run.percent.toFixed(0)}%`.padStart(6)}  ${String(run.counts.total).padStart(6)}  ${(run.requestedAt ?? '').padEnd(24)}  ${run.request.topologySource ?? ''}${failed}`,
    );
  }
}

export function printRun(run: RunDetails, gatewayUrl: string): void {
  const { request, counts, resultSummary: results } = run;
  write(`run ${run.id}  ${run.status}${run.reason ? ` — ${run.reason}` : ''}`);
  write(
    `  topology   ${request.topologySource ?? '—'}${run.topology ? ` (snapshot ${run.topology.id}, ${run.topology.nodeCount} nodes)` : ''}`,
  );
  write(
    `  window     ${request.from ?? '?'} → ${request.to ?? '?'} UTC, chunk ${request.chunk ?? '?'}, selections ${request.selections?.join(',') ?? 'all'}`,
  );
  write(
    `  requested  ${run.requestedAt ?? '—'} by ${request.requestedBy ?? '?'} (${request.calculation ?? '?'}), generation ${run.generation}`,
  );
  write(
    `  progress   ${run.percent.toFixed(1)} %, ${run.tasksPerSecond.toFixed(2)} tasks/s, ETA ${formatEta(run.etaSeconds)}, ${run.durationMs === null ? '—' : `${(run.durationMs / 1000).toFixed(1)} s`} since requested`,
  );
  write(
    `  tasks      ${counts.total} total: ${counts.finished} finished (${results.reusedTasks} reused), ${counts.failed} failed, ${counts.cancelled} cancelled, ${counts.started} running, ${counts.queued} queued`,
  );
  write(
    `  results    ${results.rows} rows, ${results.cables} cables, ${results.overloadedCables} overloaded, max utilization ${results.maxUtilization?.toFixed(3) ?? '—'}, energy ${results.energyKwh?.toFixed(1) ?? '—'} kWh`,
  );
  write(`  csv        ${new URL(run.resultsCsvUrl, gatewayUrl).toString()}`);
  if (run.failedTasks.nodes.length) {
    write('  failed tasks:');
    for (const task of run.failedTasks.nodes)
      write(
        `    ${task.id}  ${task.selection ?? '?'} ${task.startDate ?? '?'} (attempt ${task.attempt}): ${task.error ?? ''}`,
      );
    if (run.failedTasks.pageInfo.hasNextPage)
      write('    … (more: query run.tasks(status: [FAILED]) over GraphQL)');
  }
}
