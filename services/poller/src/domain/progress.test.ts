import { describe, expect, it } from 'vitest';
import { createRateTracker, etaSeconds, percentDone } from './progress.js';

const counts = { total: 200, queued: 100, started: 0, finished: 90, failed: 5, cancelled: 5 };

describe('progress', () => {
  it('computes the percentage of terminal tasks', () => {
    expect(percentDone(counts)).toBe(50);
    expect(percentDone({ ...counts, total: 0 })).toBe(0);
  });

  it('measures tasks per second over the window and derives the ETA', () => {
    const tracker = createRateTracker(10_000);
    expect(tracker.observe('r', 0, 0)).toBe(0);
    expect(tracker.observe('r', 50, 5_000)).toBe(10);
    expect(tracker.observe('r', 100, 10_000)).toBe(10);
    // the first sample leaves the window: the rate follows the recent pace
    expect(tracker.observe('r', 300, 15_000)).toBe(25);
    expect(etaSeconds(counts, 10)).toBe(10);
    expect(etaSeconds(counts, 0)).toBeNull();
    expect(etaSeconds({ ...counts, queued: 0, finished: 190 }, 0)).toBe(0);
  });
});
