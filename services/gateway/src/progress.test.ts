import { describe, expect, it } from 'vitest';
import { emptyRun } from '@conveyor/db';
import { progressOf } from './progress.js';

const counts = (finished: number, failed = 0, queued = 0) => ({
  total: finished + failed + queued,
  queued,
  started: 0,
  finished,
  failed,
  cancelled: 0,
});

describe('progressOf', () => {
  const planned = {
    ...emptyRun('r'),
    status: 'RUNNING' as const,
    startedAt: '2024-01-01 00:00:00.000',
    taskCount: 10,
  };

  it('counts every terminal task as done, over the planned tasks even before all are queued', () => {
    const p = progressOf(planned, counts(3, 1, 2), Date.parse('2024-01-01T00:00:08Z'));
    expect(p).toMatchObject({ total: 10, percent: 40, tasksPerSecond: 0.5, etaSeconds: 12 });
  });

  it('has no ETA before a task is done, and none left once terminal', () => {
    expect(progressOf(planned, counts(0, 0, 10), Date.parse('2024-01-01T00:00:08Z')).etaSeconds).toBeNull();
    const done = { ...planned, status: 'SUCCEEDED' as const, completedAt: '2024-01-01 00:00:05.000' };
    expect(progressOf(done, counts(10), Date.parse('2030-01-01T00:00:00Z'))).toMatchObject({
      percent: 100,
      tasksPerSecond: 2,
      etaSeconds: 0,
    });
  });

  it('shows a terminal run without tasks (its topology failed) as 100 %', () => {
    const failed = { ...emptyRun('r'), status: 'FAILED' as const };
    expect(progressOf(failed, counts(0), 0)).toMatchObject({ total: 0, percent: 100, tasksPerSecond: 0 });
  });
});
