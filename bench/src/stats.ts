export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Peak resident memory (MB) of a process, from the kernel's high-water mark. */
export async function peakRssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export const selfPeakRssMb = () => peakRssMb(process.pid);

/**
 * Throughput (tasks/s) over the first and the last `fraction` of finish times (ms, ascending), and
 * their ratio: 1 when a run keeps its pace to the end.
 */
export function throughputAtEnds(finishTimes: number[], fraction = 0.1) {
  const n = Math.max(2, Math.floor(finishTimes.length * fraction));
  if (finishTimes.length < n) return { first: NaN, last: NaN, ratio: NaN };
  const rate = (from: number, to: number) => ((n - 1) * 1000) / Math.max(1, to - from);
  const first = rate(finishTimes[0]!, finishTimes[n - 1]!);
  const last = rate(finishTimes[finishTimes.length - n]!, finishTimes[finishTimes.length - 1]!);
  return { first, last, ratio: last / first };
}
