// The top card of a run's page: what was asked, where it stands, what it produced, and its actions.
import { durationText, percentText, rateText, whenText } from '../format';
import { ProgressBar, type BarCounts } from '../progress-bar';
import { StatusBadge } from '../status-badge';
import type { RunData } from './queries';

/** The numbers that live updates change between two reads of the run. */
export type RunFigures = BarCounts & {
  status: RunData['status'];
  total: number;
  percent: number;
  tasksPerSecond: number;
  etaSeconds: number | null;
};

const FINISHED_STATUSES: ReadonlySet<RunData['status']> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export function RunSummary(props: {
  run: RunData;
  figures: RunFigures;
  onCancel: () => void;
  onRetry: () => void;
  onDownload: () => void;
}) {
  const { run, figures } = props;
  const request = run.request;
  const results = run.resultSummary;
  return (
    <div class="card">
      <h2>
        Run <span class="mono">{run.id}</span>{' '}
        <span id="status">
          <StatusBadge status={figures.status} />
        </span>
      </h2>
      <p class="request muted">
        {request.topologySource} · {request.from} → {request.to} UTC · chunk {request.chunk} · selections{' '}
        {request.selections?.join(', ') ?? 'all'} · requested {whenText(run.requestedAt)} by{' '}
        {request.requestedBy}
        {run.topology && ` · topology ${run.topology.id.slice(0, 12)} (${run.topology.nodeCount} nodes)`}
      </p>
      {run.reason && <div class="notice">{run.reason}</div>}
      <div id="bar">
        <ProgressBar percent={figures.percent} counts={figures} large />
      </div>
      <div class="stats">
        <div>
          <b id="percent">{percentText(figures.percent)}</b>done
        </div>
        <div>
          <b id="finished">
            {figures.finished}/{figures.total}
          </b>
          finished
        </div>
        <div>
          <b id="failed">{figures.failed}</b>failed
        </div>
        <div>
          <b id="rate">{rateText(figures.tasksPerSecond)}</b>tasks/s
        </div>
        <div>
          <b id="eta">{durationText(figures.etaSeconds)}</b>ETA
        </div>
        <div>
          <b id="duration">{durationText(run.durationMs === null ? null : run.durationMs / 1000)}</b>duration
        </div>
      </div>
      <p class="muted" id="results">
        {results.rows} result rows · {results.overloadedCables} overloaded cables · max utilization{' '}
        {results.maxUtilization?.toFixed(3) ?? '—'} · {results.energyKwh?.toFixed(1) ?? '—'} kWh
      </p>
      <div class="actions">
        <button
          id="cancel"
          class="danger"
          disabled={FINISHED_STATUSES.has(figures.status)}
          onClick={props.onCancel}
        >
          Cancel run
        </button>
        <button id="retry" disabled={figures.failed === 0} onClick={props.onRetry}>
          Retry failed tasks
        </button>
        <a
          id="csv"
          href={run.resultsCsvUrl}
          download
          onClick={(event) => {
            // Fetched with the token and saved from memory: a plain link cannot send the header.
            event.preventDefault();
            props.onDownload();
          }}
        >
          Download results CSV
        </a>
      </div>
    </div>
  );
}
