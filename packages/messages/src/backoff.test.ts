import { describe, expect, it } from 'vitest';
import { backoffMs, sleepUnlessAborted } from './backoff.js';

describe('backoffMs', () => {
  it('doubles per attempt from the base, up to the cap', () => {
    const middle = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, 500, 10_000, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000,
    ]);
  });

  it('jitters by at most 20 % either way', () => {
    expect(backoffMs(3, 500, 60_000, () => 0)).toBe(1600);
    expect(backoffMs(3, 500, 60_000, () => 0.999999)).toBe(2400);
  });
});

describe('sleepUnlessAborted', () => {
  it('resolves true after the delay, false at once when aborted', async () => {
    const controller = new AbortController();
    expect(await sleepUnlessAborted(1, controller.signal)).toBe(true);
    const sleeping = sleepUnlessAborted(60_000, controller.signal);
    controller.abort();
    expect(await sleeping).toBe(false);
    expect(await sleepUnlessAborted(60_000, controller.signal)).toBe(false);
  });
});
