import type { BenchEntry } from './result.js';
import { median } from './stats.js';

type Group = {
  scenario: string;
  system: string;
  workers: number;
  tasks: number;
  rates: number[];
  p50: number | null;
  p99: number | null;
  rss: number | null;
};

function group(entries: BenchEntry[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of entries) {
    const key = `${e.scenario}|${e.system}|${e.workers}`;
    const g = groups.get(key) ?? {
      scenario: e.scenario,
      system: e.system,
      workers: e.workers,
      tasks: e.tasks,
      rates: [],
      p50: e.p50Ms,
      p99: e.p99Ms,
      rss: null,
    };
    if (Number.isFinite(e.tasksPerSecond)) g.rates.push(e.tasksPerSecond);
    if (e.peakRssMb !== null && Number.isFinite(e.peakRssMb)) g.rss = Math.max(g.rss ?? 0, e.peakRssMb);
    groups.set(key, g);
  }
  return [...groups.values()];
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);

/** A markdown table of every (scenario, system, workers) with median/min/max tasks/s, and the ratios the goals name. */
export function formatReport(
  entries: BenchEntry[],
  meta: { machine: string; quick: boolean; date: string },
): string {
  const groups = group(entries);
  const rate = (scenario: string, system: string, workers?: number) =>
    median(
      groups.find(
        (g) =>
          g.scenario === scenario && g.system === system && (workers === undefined || g.workers === workers),
      )?.rates ?? [],
    );
  const lines = [
    `Machine: ${meta.machine}. ${meta.quick ? 'Quick run' : 'Full run'}, ${meta.date}.`,
    '',
    '| scenario | system | workers | tasks | tasks/s median | min | max | p50 ms | p99 ms | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...groups.map(
      (g) =>
        `| ${g.scenario} | ${g.system} | ${g.workers} | ${g.tasks} | ${fmt(median(g.rates))} | ${fmt(Math.min(...g.rates))} | ${fmt(Math.max(...g.rates))} | ${fmt(g.p50)} | ${fmt(g.p99)} | ${fmt(g.rss)} |`,
    ),
    '',
    '| ratio | value | goal |',
    '| --- | --- | --- |',
    `| noop: Conveyor / BullMQ | ${fmt(rate('noop', 'conveyor') / rate('noop', 'bullmq'), 2)} | ≥ 1.0 |`,
    `| noop: Conveyor / rabbitmq-raw | ${fmt(rate('noop', 'conveyor') / rate('noop', 'rabbitmq-raw'), 2)} | ≥ 0.6 |`,
    `| noop: Conveyor / monolith | ${fmt(rate('noop', 'conveyor') / rate('noop', 'monolith'), 2)} | — |`,
    `| grid: Conveyor 1 worker / monolith | ${fmt(rate('grid', 'conveyor', 1) / rate('grid', 'monolith'), 2)} | — |`,
    `| grid: Conveyor 2 workers / monolith | ${fmt(rate('grid', 'conveyor', 2) / rate('grid', 'monolith'), 2)} | ≥ 1.7 |`,
  ];
  return lines.join('\n');
}
