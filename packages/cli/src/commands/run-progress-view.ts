// How `conveyor run follow` shows a run's progress on stderr: a live bar on a terminal, plain lines
// (on each status change and every 10 %) when stderr is a file or a pipe.
import cliProgress from 'cli-progress';

export type RunProgress = {
  status: string;
  total: number;
  queued: number;
  started: number;
  finished: number;
  failed: number;
  cancelled: number;
  percent: number;
  tasksPerSecond: number;
  etaSeconds: number | null;
};

export const formatEta = (seconds: number | null): string => {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

/** `RUNNING 9/20 (45.0 %) · 8 finished, 1 failed · 2.5 tasks/s · ETA 12s` */
export function formatProgress(p: RunProgress): string {
  const done = p.finished + p.failed + p.cancelled;
  const parts = [`${p.finished} finished`];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.cancelled) parts.push(`${p.cancelled} cancelled`);
  if (p.started) parts.push(`${p.started} running`);
  return `${p.status} ${done}/${p.total} (${p.percent.toFixed(1)} %) · ${parts.join(', ')} · ${p.tasksPerSecond.toFixed(1)} tasks/s · ETA ${formatEta(p.etaSeconds)}`;
}

export type ProgressView = { show: (progress: RunProgress) => void; stop: () => void };

export function createProgressView(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {done}/{total} | {failed} failed | {rate} tasks/s | ETA {eta} | {status}`,
        stream,
        hideCursor: true,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      show: (p) => {
        const done = p.finished + p.failed + p.cancelled;
        const payload = {
          done,
          failed: p.failed,
          rate: p.tasksPerSecond.toFixed(1),
          eta: formatEta(p.etaSeconds),
          status: p.status,
        };
        if (!started) bar.start(Math.max(p.total, 1), done, payload);
        started = true;
        bar.setTotal(Math.max(p.total, 1));
        bar.update(done, payload);
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let last: { status: string; step: number } | undefined;
  return {
    show: (p) => {
      const step = Math.floor(p.percent / 10);
      if (last && last.status === p.status && last.step === step) return;
      last = { status: p.status, step };
      stream.write(`${label}: ${formatProgress(p)}\n`);
    },
    stop: () => undefined,
  };
}
