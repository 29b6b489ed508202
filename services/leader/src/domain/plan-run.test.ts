import { describe, expect, it } from 'vitest';
import { planRun, previousMonthWindow, scheduledRunId } from './plan-run.js';

const runId = '2fe5a1d6-672d-4a53-b376-4591537b58e7';
const window = { start: '2023-01-15 00:00', end: '2023-03-10 23:59' };
const LIMIT = 100_000;

describe('planRun', () => {
  it('plans every selection of the topology when none are requested', () => {
    const plan = planRun({ runId, window, chunk: 'month', selections: null }, ['1', '2'], LIMIT);
    expect(plan.ok && plan.tasks.map((t) => [t.selection, t.startDate, t.endDate])).toEqual([
      ['1', '2023-01-15 00:00', '2023-01-31 23:59'],
      ['1', '2023-02-01 00:00', '2023-02-28 23:59'],
      ['1', '2023-03-01 00:00', '2023-03-10 23:59'],
      ['2', '2023-01-15 00:00', '2023-01-31 23:59'],
      ['2', '2023-02-01 00:00', '2023-02-28 23:59'],
      ['2', '2023-03-01 00:00', '2023-03-10 23:59'],
    ]);
  });

  it('gives the same task ids when the same run is planned twice', () => {
    const first = planRun({ runId, window, chunk: 'month', selections: ['2'] }, ['1', '2'], LIMIT);
    const second = planRun({ runId, window, chunk: 'month', selections: ['2'] }, ['1', '2'], LIMIT);
    expect(first).toEqual(second);
    expect(first.ok && new Set(first.tasks.map((t) => t.taskId)).size).toBe(3);
  });

  it('fails naming every unknown selection', () => {
    const plan = planRun(
      { runId, window, chunk: 'none', selections: ['1', 'nope', '99'] },
      ['1', '2'],
      LIMIT,
    );
    expect(plan).toEqual({
      ok: false,
      reason: expect.stringContaining('unknown selections: nope, 99') as string,
    });
  });
});

describe('planRun over MAX_TASKS_PER_RUN', () => {
  const selections = Array.from({ length: 2_400 }, (_, i) => String(i + 1));
  const year = { start: '2023-01-01 00:00', end: '2023-12-31 23:59' };

  it('fails a plan of 876,000 tasks naming the count, how it is made and the limit', () => {
    expect(planRun({ runId, window: year, chunk: 'day', selections: null }, selections, LIMIT)).toEqual({
      ok: false,
      reason:
        'the plan has 876,000 tasks (2,400 selections × 365 window pieces), over MAX_TASKS_PER_RUN ' +
        '(100,000): ask for fewer selections, a shorter window or a coarser chunk',
    });
  });

  it('plans a run of exactly the limit', () => {
    const plan = planRun({ runId, window: year, chunk: 'month', selections: null }, selections, 2_400 * 12);
    expect(plan.ok && plan.tasks.length).toBe(28_800);
  });

  it('names at most 20 unknown selections', () => {
    const plan = planRun(
      { runId, window, chunk: 'none', selections: selections.map((s) => `x${s}`) },
      ['1'],
      LIMIT,
    );
    expect(plan.ok ? '' : plan.reason).toMatch(/^unknown selections: x1, x2, .*x20, … \(2400 in all\)/);
  });
});

describe('previousMonthWindow', () => {
  it('is the previous calendar month, across a year boundary and in a leap year', () => {
    expect(previousMonthWindow(new Date('2024-01-01T02:00:00Z'))).toEqual({
      start: '2023-12-01 00:00',
      end: '2023-12-31 23:59',
    });
    expect(previousMonthWindow(new Date('2024-03-01T00:00:00Z'))).toEqual({
      start: '2024-02-01 00:00',
      end: '2024-02-29 23:59',
    });
  });
});

describe('scheduledRunId', () => {
  it('gives one run id per schedule and month', () => {
    const january = { start: '2024-01-01 00:00' };
    expect(scheduledRunId('monthly', january)).toBe(scheduledRunId('monthly', { start: '2024-01-01 00:00' }));
    expect(scheduledRunId('monthly', january)).not.toBe(
      scheduledRunId('monthly', { start: '2024-02-01 00:00' }),
    );
    expect(scheduledRunId('monthly', january)).not.toBe(scheduledRunId('weekly', january));
  });
});
