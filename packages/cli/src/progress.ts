import cliProgress from 'cli-progress';

/**
 * A progress display on stderr: a bar on a terminal, a plain line every `every` steps (and at the
 * end) when stderr is not one, so that logs stay readable.
 */
export function createProgress(label: string, total: number, options: { every?: number } = {}) {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(total, 0, { rate: '0' });
    return {
      update: (done: number, extra: Record<string, string> = {}) =>
        bar.update(done, {
          rate: (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
          ...extra,
        }),
      stop: () => bar.stop(),
    };
  }
  const every = options.every ?? Math.max(1, Math.ceil(total / 10));
  return {
    update: (done: number) => {
      if (done === total || done % every === 0) process.stderr.write(`${label}: ${done}/${total}\n`);
    },
    stop: () => undefined,
  };
}
