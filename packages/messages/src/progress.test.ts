import { describe, expect, it } from 'vitest';
import { computeProgress, RATE_WINDOW_MS, rateWindow, windowRate } from './progress.js';

const counts = (finished: number, failed = 0, queued = 0, cancelled = 0) => ({
  total: finished + failed + queued + cancelled,
  queued,
  started: 0,
  finished,
  failed,
  cancelled,
});
const T0 = Date.parse('2024-01-01T00:00:00Z');

describe('computeProgress', () => {
  it('counts every terminal task as done, over the planned tasks even before all are recorded', () => {
    const p = computeProgress({
      status: 'RUNNING',
      counts: counts(3, 1, 2),
      plannedTasks: 10,
      tasksPerSecond: 0.5,
    });
    expect(p).toMatchObject({
      total: 10,
      finished: 3,
      failed: 1,
      percent: 40,
      tasksPerSecond: 0.5,
      etaSeconds: 12,
    });
  });

  it('has no ETA while the rate is 0, and none left once nothing is', () => {
    expect(
      computeProgress({ status: 'RUNNING', counts: counts(0, 0, 10), plannedTasks: 10, tasksPerSecond: 0 }),
    ).toMatchObject({ percent: 0, etaSeconds: null });
    expect(
      computeProgress({ status: 'RUNNING', counts: counts(9, 1), plannedTasks: 10, tasksPerSecond: 0 }),
    ).toMatchObject({ percent: 100, etaSeconds: 0 });
  });

  it('shows a run without tasks at 0 % while it runs and at 100 % once terminal (its topology failed)', () => {
    expect(
      computeProgress({
        status: 'BUILDING_TOPOLOGY',
        counts: counts(0),
        plannedTasks: null,
        tasksPerSecond: 0,
      }),
    ).toMatchObject({ total: 0, percent: 0, etaSeconds: null });
    expect(
      computeProgress({ status: 'FAILED', counts: counts(0), plannedTasks: null, tasksPerSecond: 0 }),
    ).toMatchObject({ total: 0, percent: 100, tasksPerSecond: 0, etaSeconds: 0 });
  });

  it('shows a terminal run with every task terminal at 100 % with no ETA left', () => {
    expect(
      computeProgress({
        status: 'CANCELLED',
        counts: counts(5, 2, 0, 3),
        plannedTasks: 10,
        tasksPerSecond: 2,
      }),
    ).toEqual({ ...counts(5, 2, 0, 3), status: 'CANCELLED', percent: 100, tasksPerSecond: 2, etaSeconds: 0 });
  });

  it('keeps the whole run as total in a retry generation, whose plan is smaller', () => {
    // 10 tasks planned; 2 failed and were queued again in generation 1 (a plan of 2 tasks).
    const retrying = computeProgress({
      status: 'RUNNING',
      counts: counts(8, 0, 2),
      plannedTasks: 10,
      tasksPerSecond: 0.5,
    });
    expect(retrying).toMatchObject({ total: 10, queued: 2, percent: 80, etaSeconds: 4 });
  });

  it('takes the recorded tasks as total when there are more than the first plan had', () => {
    expect(
      computeProgress({ status: 'RUNNING', counts: counts(12), plannedTasks: 10, tasksPerSecond: 1 }),
    ).toMatchObject({ total: 12, percent: 100, etaSeconds: 0 });
  });
});

describe('rateWindow and windowRate', () => {
  it('measure a young run since its planning', () => {
    const window = rateWindow({ status: 'RUNNING', startedAtMs: T0, completedAtMs: null }, T0 + 8_000);
    expect(window).toEqual({ fromMs: T0, toMs: T0 + 8_000 });
    expect(windowRate(4, window)).toBe(0.5);
  });

  it('measure an older run over the last window only', () => {
    const now = T0 + 10 * RATE_WINDOW_MS;
    const window = rateWindow({ status: 'RUNNING', startedAtMs: T0, completedAtMs: null }, now);
    expect(window).toEqual({ fromMs: now - RATE_WINDOW_MS, toMs: now });
    expect(windowRate(30, window)).toBe((30 * 1000) / RATE_WINDOW_MS);
  });

  it('end at the completion of a terminal run, so its rate does not decay afterwards', () => {
    const run = { status: 'SUCCEEDED' as const, startedAtMs: T0, completedAtMs: T0 + 5_000 };
    expect(rateWindow(run, T0 + 1_000_000)).toEqual({ fromMs: T0, toMs: T0 + 5_000 });
    expect(windowRate(10, rateWindow(run, T0 + 1_000_000))).toBe(2);
  });

  it('give no rate before the run is planned, or over an empty window', () => {
    expect(rateWindow({ status: 'REQUESTED', startedAtMs: null, completedAtMs: null }, T0)).toBeNull();
    expect(windowRate(3, null)).toBe(0);
    expect(windowRate(3, rateWindow({ status: 'RUNNING', startedAtMs: T0, completedAtMs: null }, T0))).toBe(
      0,
    );
    // A clock behind the planning's: an empty window, not a negative one.
    expect(rateWindow({ status: 'RUNNING', startedAtMs: T0, completedAtMs: null }, T0 - 5)).toEqual({
      fromMs: T0 - 5,
      toMs: T0 - 5,
    });
  });
});
