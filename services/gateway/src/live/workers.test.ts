import { describe, expect, it } from 'vitest';
import {
  WORKER_NOTIFICATION_RUN_ID,
  createNotification,
  type ConveyorNotification,
} from '@conveyor/messages';
import { createWorkerRegistry } from './workers.js';

type Heartbeat = Extract<ConveyorNotification, { type: 'worker.heartbeat' }>;

const beat = (tasksDone: number, sentAt: number, startedAt = '2026-01-01T00:00:00.000Z'): Heartbeat => ({
  ...createNotification('worker.heartbeat', {
    now: new Date(sentAt),
    runId: WORKER_NOTIFICATION_RUN_ID,
    producer: 'worker',
    data: {
      workerId: 'w1',
      host: 'h',
      version: '0.0.0',
      calculations: [{ name: 'grid-load', version: '1' }],
      slots: 2,
      busySlots: 2,
      tasksDone,
      startedAt,
      heartbeatMs: 5000,
      stopping: false,
    },
  }),
  type: 'worker.heartbeat',
});

describe('the worker registry', () => {
  it('rates tasks per second from the growth of the tasks-done counter, by the worker’s clock', () => {
    let clock = 0;
    const registry = createWorkerRegistry(() => clock);
    registry.record(beat(100, 1_000_000));
    clock = 10; // ms: the broker delivered both heartbeats at once
    registry.record(beat(110, 1_005_000));
    expect(registry.list({ includeGone: false })[0]!.tasksPerSecond).toBe(2);
  });

  it('starts the rate again when the worker restarted, and counts it gone after 3 silent intervals', () => {
    let clock = 0;
    const registry = createWorkerRegistry(() => clock);
    registry.record(beat(100, 0));
    clock = 5000;
    registry.record(beat(3, 5000, '2026-01-01T00:00:04.000Z'));
    expect(registry.list({ includeGone: false })[0]!.tasksPerSecond).toBe(0);
    clock = 5000 + 15_000;
    expect(registry.list({ includeGone: false }).length).toBe(1);
    clock += 1;
    expect(registry.list({ includeGone: false })).toEqual([]);
    expect(registry.list({ includeGone: true })[0]).toMatchObject({ alive: false, tasksPerSecond: 0 });
  });
});
