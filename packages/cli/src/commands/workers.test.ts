import { describe, expect, it } from 'vitest';
import { formatWorkers, type WorkerRow } from './workers.js';

const worker = (id: string, alive: boolean, stopped = false): WorkerRow => ({
  id,
  host: 'pod-7f9c',
  version: '0.0.0',
  slots: 4,
  busySlots: 3,
  tasksDone: 120,
  tasksPerSecond: 2.46,
  alive,
  stopped,
  startedAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:01:00.000Z',
  calculations: [
    { name: 'grid-load', version: '1' },
    { name: 'noop', version: '1' },
  ],
});

describe('conveyor workers, as a table', () => {
  it('shows status, busy slots, rate, last seen and calculations, aligned', () => {
    const now = Date.parse('2026-01-01T00:01:04.000Z');
    const lines = formatWorkers(
      [worker('worker-a', true), worker('a-much-longer-worker-id', false, true), worker('w', false)],
      now,
    ).split('\n');
    expect(lines[0]).toMatch(/^WORKER +HOST +STATUS +BUSY +TASKS\/S +DONE +LAST SEEN +CALCULATIONS$/);
    expect(lines[1]).toMatch(/^worker-a +pod-7f9c +alive +3\/4 +2\.5 +120 +4 s ago +grid-load@1,noop@1$/);
    expect(lines[2]).toContain(' stopped ');
    expect(lines[3]).toContain(' gone ');
    const hostColumn = lines[0]!.indexOf('HOST');
    expect(lines.slice(1, 4).map((line) => line.indexOf('pod-7f9c'))).toEqual([
      hostColumn,
      hostColumn,
      hostColumn,
    ]);
  });

  it('says so when there is no worker', () => {
    expect(formatWorkers([], 0)).toBe('no live worker has announced itself\n');
  });
});
