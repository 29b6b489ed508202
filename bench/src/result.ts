/** One measurement: a system running a scenario once (DESIGN §9). */
export type BenchEntry = {
  scenario: string;
  system: string;
  tasks: number;
  workers: number;
  tasksPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  peakRssMb: number | null;
  /** Concurrent task slots (workers × WORKER_CONCURRENCY) where the scenario varies them (`io`). */
  slots?: number;
  /** Measurements of one scenario only (`scale`), each named with its unit. */
  details?: Record<string, number>;
};

/** An entry with the optional measurements left out. */
export type EntryInput = Omit<BenchEntry, 'p50Ms' | 'p99Ms' | 'peakRssMb'> & Partial<BenchEntry>;

/** Collects the entries of a bench run, the completion latencies of every Conveyor run (ms), and failures. */
export function createResults() {
  const entries: BenchEntry[] = [];
  const completionLatencies: number[] = [];
  /** Scenarios that threw, with the error: reported, never hidden. */
  const failures: string[] = [];
  return {
    entries,
    completionLatencies,
    failures,
    add: (entry: EntryInput) => {
      entries.push({ p50Ms: null, p99Ms: null, peakRssMb: null, ...entry });
    },
  };
}

export type Results = ReturnType<typeof createResults>;
