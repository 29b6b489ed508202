// The workers the gateway hears of (worker.heartbeat): alive or gone, busy slots, tasks/s, last seen.
import { useEffect, useState } from 'preact/hooks';
import { durationText, rateText } from '../format';
import { useAbortableEffect, useApi } from '../live';
import { Notice } from '../notice';
import { WorkersQuery, WorkersSubscription, type WorkerRowData } from './queries';

/** "alive", "stopped" (it said goodbye) or "gone" (it went silent). */
const statusOf = (worker: WorkerRowData) => (worker.alive ? 'alive' : worker.stopped ? 'stopped' : 'gone');

/** The clock, ticking each second, so that "last seen" ages between heartbeats. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function WorkerRow({ worker, now }: { worker: WorkerRowData; now: number }) {
  const status = statusOf(worker);
  const busy = worker.slots > 0 ? (100 * worker.busySlots) / worker.slots : 0;
  return (
    <tr data-worker={worker.id} data-status={status}>
      <td class="mono nowrap">{worker.id}</td>
      <td class="mono muted nowrap">{worker.host}</td>
      <td>
        <span class={`status worker-${status}`}>{status}</span>
      </td>
      <td class="progress">
        <div class="cell">
          {/* SVG geometry, not a style attribute: the Content-Security-Policy allows no inline style. */}
          <div class="bar" title={`${worker.busySlots} of ${worker.slots} slots busy`}>
            <svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true">
              <rect class="busy" x="0" y="0" width={busy.toFixed(3)} height="1" />
            </svg>
          </div>
          <span class="pct num">
            {worker.busySlots}/{worker.slots}
          </span>
        </div>
      </td>
      <td class="num">{rateText(worker.tasksPerSecond)}</td>
      <td class="num">{worker.tasksDone}</td>
      <td class="muted nowrap">
        {durationText(Math.max(0, (now - Date.parse(worker.lastSeenAt)) / 1000))} ago
      </td>
      <td class="mono">{worker.calculations.map((c) => `${c.name}@${c.version}`).join(', ')}</td>
      <td class="mono muted">{worker.version}</td>
    </tr>
  );
}

export function WorkersPage() {
  const api = useApi();
  const now = useNow();
  const [workers, setWorkers] = useState<WorkerRowData[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useAbortableEffect(
    async (signal) => {
      const { workers: list } = await api.query(WorkersQuery, {}, signal);
      setWorkers(list);
      await api
        .subscribe(WorkersSubscription, {}, ({ workers: next }) => setWorkers(next), signal)
        .catch((error: Error) => {
          throw new Error(`Live updates stopped: ${error.message}`, { cause: error });
        });
    },
    [api],
    (error) => setNotice(error.message),
  );

  const alive = workers?.filter((w) => w.alive) ?? [];
  return (
    <>
      <Notice message={notice} />
      <div class="card">
        <h2>
          Workers{' '}
          {workers && (
            <small class="muted" id="workers-summary">
              {alive.length} alive · {alive.reduce((n, w) => n + w.busySlots, 0)}/
              {alive.reduce((n, w) => n + w.slots, 0)} slots busy
            </small>
          )}
        </h2>
        {workers === null ? (
          <p class="muted">Loading…</p>
        ) : workers.length === 0 ? (
          <p class="empty">
            No worker has announced itself. Start one with <code>pnpm stack</code> or{' '}
            <code>docker compose up --scale worker=2</code>.
          </p>
        ) : (
          <table id="workers">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Host</th>
                <th>Status</th>
                <th>Busy slots</th>
                <th class="num">Tasks/s</th>
                <th class="num">Done</th>
                <th>Last seen</th>
                <th>Calculations</th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((worker) => (
                <WorkerRow key={worker.id} worker={worker} now={now} />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
