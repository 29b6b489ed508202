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
});
