import type { BenchEntry } from './result.js';
import { median } from './stats.js';

type Group = {
  scenario: string;
  system: string;
  workers: number;
  slots: number | undefined;
  tasks: number;
  rates: number[];
  p50s: number[];
  p99s: number[];
  rss: number | null;
  details: Record<string, number>[];
};

/** One group per (scenario, system, workers, slots), in the order they first ran. */
function group(entries: BenchEntry[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of entries) {
    const key = `${e.scenario}|${e.system}|${e.workers}|${e.slots ?? ''}`;
    const g = groups.get(key) ?? {
      scenario: e.scenario,
      system: e.system,
      workers: e.workers,
      slots: e.slots,
      tasks: e.tasks,
      rates: [],
      p50s: [],
      p99s: [],
      rss: null,
      details: [],
    };
    if (Number.isFinite(e.tasksPerSecond)) g.rates.push(e.tasksPerSecond);
    if (e.p50Ms !== null && Number.isFinite(e.p50Ms)) g.p50s.push(e.p50Ms);
    if (e.p99Ms !== null && Number.isFinite(e.p99Ms)) g.p99s.push(e.p99Ms);
    if (e.peakRssMb !== null && Number.isFinite(e.peakRssMb)) g.rss = Math.max(g.rss ?? 0, e.peakRssMb);
    if (e.details) g.details.push(e.details);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);

/** A goal: the value must be at least (`min`) or at most (`max`) the bound. */
type Goal = { min: number } | { max: number };

/** "yes" / "no" against a goal; "—" when there is no goal or no value. */
export function verdict(value: number, goal?: Goal): string {
  if (!goal || !Number.isFinite(value)) return '—';
  return ('min' in goal ? value >= goal.min : value <= goal.max) ? 'yes' : 'no';
}

const goalText = (goal?: Goal) => (!goal ? '—' : 'min' in goal ? `≥ ${goal.min}` : `≤ ${goal.max}`);

/** Reads the medians of the groups by scenario, system, workers and slots. */
function lookups(groups: Group[]) {
  const find = (scenario: string, system: string, by: { workers?: number; slots?: number } = {}) =>
    groups.find(
      (g) =>
        g.scenario === scenario &&
        g.system === system &&
        (by.workers === undefined || g.workers === by.workers) &&
        (by.slots === undefined || g.slots === by.slots),
    );
  return {
    rate: (scenario: string, system: string, by?: { workers?: number; slots?: number }) =>
      median(find(scenario, system, by)?.rates ?? []),
    p50: (scenario: string) => median(find(scenario, 'conveyor')?.p50s ?? []),
    detail: (scenario: string, name: string, system = 'conveyor') =>
      median((find(scenario, system)?.details ?? []).map((d) => d[name] ?? NaN).filter(Number.isFinite)),
  };
}

/** The processes whose CPU per task the noop and grid runs report (`cpuGroups` in conveyor.ts). */
const CPU_PROCESSES = ['mariadbd', 'rabbitmq', 'poller', 'workers', 'leader', 'topology', 'gateway'] as const;

/** The ratios and values the goals of DESIGN §9 / issue 8 name, with the goal beside each. */
function goalRows(groups: Group[]): [string, number, number, Goal | undefined][] {
  const { rate, p50, detail } = lookups(groups);
  const noop = rate('noop', 'conveyor');
  const bundled = rate('noop', 'conveyor-bundled');
  const io = [...new Set(groups.filter((g) => g.scenario === 'io' && g.slots).map((g) => g.slots!))]
    .filter((slots) =>
      groups.some((g) => g.scenario === 'io' && g.system === 'conveyor' && g.slots === slots),
    )
    .sort((a, b) => a - b);
  const ioMonolith = rate('io', 'monolith');
  return [
    // Issue 16: one task per message at half BullMQ's rate; in bundles of 50, BullMQ's rate and 0.6 of the broker's.
    ['noop: Conveyor / BullMQ', noop / rate('noop', 'bullmq'), 2, { min: 0.5 }],
    ['noop: Conveyor / rabbitmq-raw', noop / rate('noop', 'rabbitmq-raw'), 2, undefined],
    ['noop: Conveyor bundled (50) / BullMQ', bundled / rate('noop', 'bullmq'), 2, { min: 1.0 }],
    ['noop: Conveyor bundled (50) / rabbitmq-raw', bundled / rate('noop', 'rabbitmq-raw'), 2, { min: 0.6 }],
    ['noop: Conveyor / graphile-worker', noop / rate('noop', 'graphile-worker'), 2, undefined],
    ['noop: Conveyor / monolith', noop / rate('noop', 'monolith'), 3, undefined],
    ...io.map((slots): [string, number, number, Goal | undefined] => [
      `io: speedup / ideal at ${slots} slot${slots === 1 ? '' : 's'} (speedup ${fmt(rate('io', 'conveyor', { slots }) / ioMonolith, 1)}×)`,
      rate('io', 'conveyor', { slots }) / ioMonolith / slots,
      2,
      slots === 64 ? { min: 0.8 } : undefined,
    ]),
    [
      'grid: Conveyor 1 worker / monolith',
      rate('grid', 'conveyor', { workers: 1 }) / rate('grid', 'monolith'),
      2,
      undefined,
    ],
    [
      'grid: Conveyor 2 workers / monolith',
      rate('grid', 'conveyor', { workers: 2 }) / rate('grid', 'monolith'),
      2,
      { min: 1.7 },
    ],
    ['latency: last task.finished → run.completed, p50 ms', p50('latency-completion'), 0, { max: 100 }],
    ['latency: event → GraphQL subscriber, p50 ms', p50('latency-subscription'), 0, { max: 250 }],
    [
      'latency: run-level event (not task.*) → GraphQL subscriber, p50 ms',
      detail('latency-subscription', 'runLevelP50Ms'),
      0,
      undefined,
    ],
    [
      'latency: event → GraphQL subscriber in the warm-up run (not counted), p50 ms',
      detail('latency-subscription', 'warmUpP50Ms'),
      0,
      undefined,
    ],
    ['scale: tasks/s last tenth / first tenth', detail('scale', 'lastToFirstRatio'), 2, { min: 0.8 }],
    ['scale: run(id) with counts at the end, p50 ms', detail('scale', 'runQueryP50Ms'), 1, { max: 50 }],
    ['scale: poller peak RSS MB', detail('scale', 'pollerPeakRssMb'), 0, undefined],
    ['scale: gateway peak RSS MB', detail('scale', 'gatewayPeakRssMb'), 0, undefined],
    ...(['conveyor', 'conveyor-bundled'] as const).flatMap((system) =>
      CPU_PROCESSES.map((process): [string, number, number, Goal | undefined] => [
        `noop: ${system} ${process} CPU ms per task (net of idle)`,
        detail('noop', `cpuMsPerTask.${process}`, system),
        3,
        undefined,
      ]),
    ),
    ...CPU_PROCESSES.map((process): [string, number, number, Goal | undefined] => [
      `grid: ${process} CPU ms per task (net of idle)`,
      detail('grid', `cpuMsPerTask.${process}`),
      2,
      process === 'mariadbd' ? { max: 1.5 } : undefined,
    ]),
    ['grid-large: run rows/s', detail('grid-large', 'run.rowsPerSecond'), 0, undefined],
    ['grid-large: CSV export s', detail('grid-large', 'csv.ms') / 1000, 1, undefined],
    ['grid-large: Parquet export s', detail('grid-large', 'parquet.ms') / 1000, 1, undefined],
    ['grid-large: Run.overloads(first: 100) ms', detail('grid-large', 'overloads.ms'), 0, undefined],
    ['grid-large: gateway peak RSS MB', detail('grid-large', 'peakRssMb.gateway'), 0, { max: 300 }],
    ['grid-large: mariadbd CPU ms per task', detail('grid-large', 'cpuMsPerTask.mariadbd'), 2, { max: 1.5 }],
  ];
}

/** A markdown table of every group with median/min/max tasks/s, and the values the goals name. */
export function formatReport(
  entries: BenchEntry[],
  meta: { machine: string; quick: boolean; date: string; failures?: string[] },
): string {
  const groups = group(entries);
  const lines = [
    `Machine: ${meta.machine}. ${meta.quick ? 'Quick run' : 'Full run'}, ${meta.date}.`,
    '',
    '| scenario | system | workers | slots | tasks | tasks/s median | min | max | p50 ms | p99 ms | peak RSS MB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...groups.map(
      (g) =>
        `| ${g.scenario} | ${g.system} | ${g.workers} | ${g.slots ?? '—'} | ${g.tasks} | ${fmt(median(g.rates))} | ${fmt(Math.min(...g.rates))} | ${fmt(Math.max(...g.rates))} | ${fmt(median(g.p50s))} | ${fmt(median(g.p99s))} | ${fmt(g.rss)} |`,
    ),
    '',
    'Latency rows count samples in "tasks": runs for latency-completion, received events for latency-subscription.',
    '',
    '| value | measured | goal | met |',
    '| --- | --- | --- | --- |',
    ...goalRows(groups).map(
      ([name, value, digits, goal]) =>
        `| ${name} | ${fmt(value, digits)} | ${goalText(goal)} | ${verdict(value, goal)} |`,
    ),
    ...(meta.failures?.length
      ? [
          '',
          '**Failed scenarios** (their rows above are missing or partial):',
          ...meta.failures.map((f) => `- ${f}`),
        ]
      : []),
  ];
  return lines.join('\n');
}
