import { describe, expect, it } from 'vitest';
import { parseNotification, type ConveyorNotification } from '@conveyor/messages';
import { createWorkerLoad, startWorkerHeartbeat } from './worker-heartbeat.js';

const announcement = {
  workerId: 'w1',
  host: 'host-a',
  version: '0.0.0',
  calculations: [{ name: 'grid-load', version: '1' }],
  slots: 4,
  heartbeatMs: 60_000,
};

describe('worker.heartbeat', () => {
  it('announces the worker at start and says stopping at the end, with its load', async () => {
    const sent: ConveyorNotification[] = [];
    const load = createWorkerLoad();
    const heartbeat = startWorkerHeartbeat(announcement, {
      load,
      publishNotification: async (notification) => void sent.push(notification),
      now: () => new Date('2026-01-01T00:00:00.000Z'),
    });
    let release = () => undefined as void;
    const busy = load.track(() => new Promise<void>((resolve) => (release = resolve)));
    load.taskDone();
    await heartbeat.stop();
    release();
    await busy;

    const parsed = sent.map((n) => parseNotification(Buffer.from(JSON.stringify(n))));
    expect(parsed.map((p) => p.ok)).toEqual([true, true]);
    const [first, last] = sent.map((n) => n.data as Record<string, unknown>);
    expect(first).toMatchObject({ ...announcement, busySlots: 0, tasksDone: 0, stopping: false });
    expect(last).toMatchObject({ busySlots: 1, tasksDone: 1, stopping: true });
    expect(load.busySlots()).toBe(0);
  });

  it('counts a task as computing until it says so or settles, and busy until it settles', async () => {
    const load = createWorkerLoad();
    let settle = () => undefined as void;
    let computed = () => undefined as void;
    const first = load.track((done) => {
      computed = done;
      return new Promise<void>((resolve) => (settle = resolve));
    });
    const second = load.track(() => Promise.reject(new Error('failed')));
    expect([load.busySlots(), load.computing()]).toEqual([2, 2]);
    await expect(second).rejects.toThrow('failed');
    computed();
    computed();
    expect([load.busySlots(), load.computing()]).toEqual([1, 0]);
    settle();
    await first;
    expect([load.busySlots(), load.computing()]).toEqual([0, 0]);
  });
});
