// The CLI's one progress display, on stderr: a live bar on a terminal, plain lines (on each status
// change and every 10 %) when stderr is a file or a pipe. `run follow` shows the gateway's progress,
// `monolith` its own loop's, both as computeProgress defines them.
import cliProgress from 'cli-progress';
import { computeProgress, rateWindow, windowRate, type RunProgress } from '@conveyor/messages';

export const formatEta = (seconds: number | null): string => {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

const doneOf = (p: RunProgress) => p.finished + p.failed + p.cancelled;

/** `9/20 (45.0 %) RUNNING · 8 finished, 1 failed · 2.5 tasks/s · ETA 12s` */
export function formatProgress(p: RunProgress): string {
  const parts = [`${p.finished} finished`];
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.cancelled) parts.push(`${p.cancelled} cancelled`);
  if (p.started) parts.push(`${p.started} running`);
  return `${doneOf(p)}/${p.total} (${p.percent.toFixed(1)} %) ${p.status} · ${parts.join(', ')} · ${p.tasksPerSecond.toFixed(1)} tasks/s · ETA ${formatEta(p.etaSeconds)}`;
}

export type ProgressView = { show: (progress: RunProgress) => void; stop: () => void };

export function createProgressView(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percent}% | {done}/{total} | {failed} failed | {rate} tasks/s | ETA {eta} | {status}`,
        stream,
        hideCursor: true,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      show: (p) => {
        const payload = {
          percent: p.percent.toFixed(1),
          done: doneOf(p),
          failed: p.failed,
          rate: p.tasksPerSecond.toFixed(1),
          eta: formatEta(p.etaSeconds),
          status: p.status,
        };
        if (!started) bar.start(Math.max(p.total, 1), payload.done, payload);
        started = true;
        bar.setTotal(Math.max(p.total, 1));
        bar.update(payload.done, payload);
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

/**
 * The progress of a loop this process runs itself (`monolith`): it sees each task end, so it counts
 * the ends inside the rate window from memory instead of from run_process.
 */
export function createLoopProgress(now: () => number = Date.now) {
  const startedAtMs = now();
  const ends: number[] = [];
  return (done: number, total: number): RunProgress => {
    const at = now();
    ends.push(at);
    const window = rateWindow({ status: 'RUNNING', startedAtMs, completedAtMs: null }, at);
    while (window && ends.length > 0 && ends[0]! < window.fromMs) ends.shift();
    const counts = { total, queued: total - done, started: 0, finished: done, failed: 0, cancelled: 0 };
    return computeProgress({
      status: done >= total ? 'SUCCEEDED' : 'RUNNING',
      counts,
      plannedTasks: total,
      tasksPerSecond: windowRate(ends.length, window),
    });
  };
}
