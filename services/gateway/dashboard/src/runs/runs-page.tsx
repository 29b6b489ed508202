// The list of runs, newest first, each row updated live from the `runs` subscription.
import { useState } from 'preact/hooks';
import { percentText, whenText, windowText } from '../format';
import { useAbortableEffect, useApi } from '../live';
import { Notice } from '../notice';
import { ProgressBar } from '../progress-bar';
import { hrefOf } from '../route';
import { StatusBadge } from '../status-badge';
import { RunsQuery, RunsSubscription, type RunRowData } from './queries';

/** The newest 100 runs are listed; newer ones join at the top as they are announced. */
const LISTED = 100;

/** The run replaced in place, or put first when the list does not have it yet. */
function upsert(runs: RunRowData[], run: RunRowData): RunRowData[] {
  const index = runs.findIndex((row) => row.id === run.id);
  if (index < 0) return [run, ...runs];
  return runs.map((row, i) => (i === index ? run : row));
}

function RunRow({ run }: { run: RunRowData }) {
  return (
    <tr data-run={run.id}>
      <td class="mono">
        <a href={hrefOf({ page: 'run', id: run.id })} title={run.id}>
          {run.id.slice(0, 8)}
        </a>
      </td>
      <td>
        <StatusBadge status={run.status} />
      </td>
      <td class="progress">
        <div class="cell">
          <ProgressBar percent={run.percent} counts={run.counts} />
          <span class="pct">{percentText(run.percent, 0)}</span>
        </div>
      </td>
      <td class="num nowrap">
        {run.counts.finished}/{run.counts.total}
        {run.counts.failed > 0 && <small class="error">{run.counts.failed} failed</small>}
      </td>
      <td class="muted nowrap">{windowText(run.request.from, run.request.to)}</td>
      <td class="mono ellipsis" title={run.request.topologySource ?? ''}>
        {run.request.topologySource}
      </td>
      <td class="muted nowrap">{whenText(run.requestedAt)}</td>
    </tr>
  );
}

export function RunsPage() {
  const api = useApi();
  const [runs, setRuns] = useState<RunRowData[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useAbortableEffect(
    async (signal) => {
      const { runs: page } = await api.query(RunsQuery, { first: LISTED }, signal);
      setRuns(page.nodes);
      await api
        .subscribe(
          RunsSubscription,
          {},
          ({ runs: run }) => setRuns((list) => upsert(list ?? [], run)),
          signal,
        )
        .catch((error: Error) => {
          throw new Error(`Live updates stopped: ${error.message}`, { cause: error });
        });
    },
    [api],
    (error) => setNotice(error.message),
  );

  return (
    <>
      <Notice message={notice} />
      <div class="card">
        <h2>Runs</h2>
        {runs === null ? (
          <p class="muted">Loading…</p>
        ) : (
          <>
            <table id="runs">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th>Progress</th>
                  <th class="num">Tasks</th>
                  <th>Window (UTC)</th>
                  <th>Topology</th>
                  <th>Requested</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <RunRow key={run.id} run={run} />
                ))}
              </tbody>
            </table>
            {runs.length === 0 && (
              <p class="empty">
                No runs yet. Start one with <code>pnpm conveyor run start …</code>
              </p>
            )}
          </>
        )}
      </div>
    </>
  );
}
