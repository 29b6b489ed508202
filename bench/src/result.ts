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
};
