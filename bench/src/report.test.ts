import { describe, expect, it } from 'vitest';
import { formatReport, verdict } from './report.js';
import type { BenchEntry } from './result.js';

const entry = (e: Partial<BenchEntry> & Pick<BenchEntry, 'scenario' | 'system'>): BenchEntry => ({
  tasks: 100,
  workers: 1,
  tasksPerSecond: NaN,
  p50Ms: null,
  p99Ms: null,
  peakRssMb: null,
  ...e,
});

const meta = { machine: 'test machine', quick: true, date: '2026-01-01T00:00:00.000Z' };
const rowOf = (report: string, start: string) => report.split('\n').find((line) => line.startsWith(start));

describe('formatReport', () => {
  it('prints median, min and max of the repeats of one system', () => {
    const report = formatReport(
      [100, 300, 200].map((rate) => entry({ scenario: 'noop', system: 'bullmq', tasksPerSecond: rate })),
      meta,
    );
    expect(report).toContain('Machine: test machine. Quick run, 2026-01-01T00:00:00.000Z.');
    expect(rowOf(report, '| noop | bullmq |')).toBe(
      '| noop | bullmq | 1 | — | 100 | 200 | 100 | 300 | — | — | — |',
    );
  });

  it('keeps the slots of the io scenario apart and compares each with the ideal speedup', () => {
    const report = formatReport(
      [
        entry({ scenario: 'io', system: 'monolith', slots: 1, tasksPerSecond: 50 }),
        entry({ scenario: 'io', system: 'conveyor', slots: 4, tasksPerSecond: 100 }),
        entry({ scenario: 'io', system: 'conveyor', slots: 64, tasksPerSecond: 2800 }),
      ],
      meta,
    );
    expect(rowOf(report, '| io | conveyor | 1 | 4 |')).toContain('| 100 |');
    expect(rowOf(report, '| io: speedup / ideal at 4 slots')).toBe(
      '| io: speedup / ideal at 4 slots (speedup 2.0×) | 0.50 | — | — |',
    );
    expect(rowOf(report, '| io: speedup / ideal at 64 slots')).toBe(
      '| io: speedup / ideal at 64 slots (speedup 56.0×) | 0.88 | ≥ 0.8 | yes |',
    );
  });

  it('says plainly when a goal is missed, and shows a dash for what was not measured', () => {
    const report = formatReport(
      [
        entry({ scenario: 'noop', system: 'conveyor', workers: 2, tasksPerSecond: 500 }),
        entry({ scenario: 'noop', system: 'bullmq', tasksPerSecond: 1000 }),
        entry({
          scenario: 'latency-subscription',
          system: 'conveyor',
          p50Ms: 300,
          p99Ms: 900,
          details: { runLevelP50Ms: 20 },
        }),
      ],
      meta,
    );
    expect(rowOf(report, '| noop: Conveyor / BullMQ')).toBe(
      '| noop: Conveyor / BullMQ | 0.50 | ≥ 0.5 | yes |',
    );
    expect(rowOf(report, '| noop: Conveyor / rabbitmq-raw')).toBe(
      '| noop: Conveyor / rabbitmq-raw | — | — | — |',
    );
    expect(rowOf(report, '| noop: Conveyor bundled (50) / BullMQ')).toBe(
      '| noop: Conveyor bundled (50) / BullMQ | — | ≥ 1 | — |',
    );
    expect(rowOf(report, '| latency: event → GraphQL subscriber')).toBe(
      '| latency: event → GraphQL subscriber, p50 ms | 300 | ≤ 250 | no |',
    );
    expect(rowOf(report, '| latency: run-level event')).toBe(
      '| latency: run-level event (not task.*) → GraphQL subscriber, p50 ms | 20 | — | — |',
    );
  });

  it('reports the scale run from its details', () => {
    const report = formatReport(
      [
        entry({
          scenario: 'scale',
          system: 'conveyor',
          tasksPerSecond: 400,
          details: {
            lastToFirstRatio: 0.95,
            runQueryP50Ms: 12.34,
            pollerPeakRssMb: 180,
            gatewayPeakRssMb: 150,
          },
        }),
      ],
      meta,
    );
    expect(rowOf(report, '| scale: tasks/s last tenth')).toBe(
      '| scale: tasks/s last tenth / first tenth | 0.95 | ≥ 0.8 | yes |',
    );
    expect(rowOf(report, '| scale: run(id)')).toBe(
      '| scale: run(id) with counts at the end, p50 ms | 12.3 | ≤ 50 | yes |',
    );
    expect(rowOf(report, '| scale: poller peak RSS MB')).toBe('| scale: poller peak RSS MB | 180 | — | — |');
  });
});

describe('conveyor-bundled', () => {
  it('is a system of its own in the noop rows, compared with BullMQ and the broker’s ceiling', () => {
    const report = formatReport(
      [
        entry({ scenario: 'noop', system: 'conveyor', workers: 2, tasksPerSecond: 6000 }),
        entry({ scenario: 'noop', system: 'conveyor-bundled', workers: 2, tasksPerSecond: 12_000 }),
        entry({ scenario: 'noop', system: 'bullmq', tasksPerSecond: 10_000 }),
        entry({ scenario: 'noop', system: 'rabbitmq-raw', tasksPerSecond: 24_000 }),
      ],
      meta,
    );
    expect(rowOf(report, '| noop | conveyor-bundled |')).toBe(
      '| noop | conveyor-bundled | 2 | — | 100 | 12000 | 12000 | 12000 | — | — | — |',
    );
    expect(rowOf(report, '| noop: Conveyor / BullMQ')).toBe(
      '| noop: Conveyor / BullMQ | 0.60 | ≥ 0.5 | yes |',
    );
    expect(rowOf(report, '| noop: Conveyor bundled (50) / BullMQ')).toBe(
      '| noop: Conveyor bundled (50) / BullMQ | 1.20 | ≥ 1 | yes |',
    );
    expect(rowOf(report, '| noop: Conveyor bundled (50) / rabbitmq-raw')).toBe(
      '| noop: Conveyor bundled (50) / rabbitmq-raw | 0.50 | ≥ 0.6 | no |',
    );
  });
});

describe('verdict', () => {
  it('compares against a lower or an upper bound', () => {
    expect(verdict(1.2, { min: 1 })).toBe('yes');
    expect(verdict(0.9, { min: 1 })).toBe('no');
    expect(verdict(80, { max: 100 })).toBe('yes');
    expect(verdict(NaN, { max: 100 })).toBe('—');
    expect(verdict(5)).toBe('—');
  });
});

describe('failed scenarios', () => {
  it('are listed under the tables', () => {
    const report = formatReport([], { ...meta, failures: ['scale: run r did not complete'] });
    expect(report).toContain(
      '**Failed scenarios** (their rows above are missing or partial):\n- scale: run r did not complete',
    );
  });
});
