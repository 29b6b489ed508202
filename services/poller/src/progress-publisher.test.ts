import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConveyorNotification, RunProgress } from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import { createProgressPublisher, READ_SHARE } from './progress-publisher.js';

const RUN = '6f1c7a52-4f4e-4d4a-9a53-2b1f0f3a7c10';
const THROTTLE_MS = 250;

const progress = (status: RunProgress['status']): RunProgress => ({
  status,
  total: 10,
  queued: 0,
  started: 0,
  finished: 10,
  failed: 0,
  cancelled: 0,
  percent: 100,
  tasksPerSecond: 1,
  etaSeconds: 0,
});

/** A publisher whose reads take `readMs` of the (fake) clock each; records when each read began. */
function publisherWithReads(readMs: () => number) {
  const reads: number[] = [];
  const sent: ConveyorNotification[] = [];
  const publisher = createProgressPublisher({
    readProgress: (_runId, nowMs) => {
      reads.push(nowMs);
      vi.setSystemTime(nowMs + readMs());
      return Promise.resolve(progress('RUNNING'));
    },
    publishNotification: (notification) => {
      sent.push(notification);
      return Promise.resolve();
    },
    throttleMs: THROTTLE_MS,
    stalledTaskIds: () => [],
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  return { publisher, reads, sent };
}

/** Marks the run changed every 10 ms until `ms` of the fake clock have passed. */
async function changeContinuously(publisher: { markChanged: (ids: string[]) => void }, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    publisher.markChanged([RUN]);
    await vi.advanceTimersByTimeAsync(10);
  }
}

describe('progress publisher', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a changing run at most once per throttle window, the latest state each time', async () => {
    const { publisher, reads, sent } = publisherWithReads(() => 0);
    await changeContinuously(publisher, 1000);
    publisher.stop();
    expect(reads).toEqual([0, 250, 500, 750, 1000]);
    expect(sent).toHaveLength(5);
  });

  it('waits longer after a slow read: at most a tenth of the time goes to reading one run', async () => {
    const { publisher, reads } = publisherWithReads(() => 80);
    await changeContinuously(publisher, 3000);
    publisher.stop();
    // A read of 80 ms is followed by 800 ms without one, not by the 250 ms of the throttle.
    expect(reads).toEqual([0, 800, 1600, 2400]);
    const reading = reads.length * 80;
    expect(reading / 3000).toBeLessThanOrEqual(READ_SHARE + 0.01);
  });

  it('never reads one run twice at once: a change during a read is sent after it', async () => {
    let release: () => void = () => undefined;
    const reads: number[] = [];
    const publisher = createProgressPublisher({
      readProgress: (_runId, nowMs) => {
        reads.push(nowMs);
        return new Promise((resolve) => {
          release = () => resolve(progress('RUNNING'));
        });
      },
      publishNotification: () => Promise.resolve(),
      throttleMs: THROTTLE_MS,
      stalledTaskIds: () => [],
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    publisher.markChanged([RUN]);
    await changeContinuously(publisher, 1000); // the first read is still under way
    expect(reads).toEqual([0]);
    release();
    // It took 1,000 ms: the next read waits 10,000 ms from the start of the first.
    await vi.advanceTimersByTimeAsync(9000);
    expect(reads).toEqual([0, 10_000]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    publisher.stop();
  });
});
