import { describe, expect, it } from 'vitest';
import { median, percentile, throughputAtEnds } from './stats.js';

describe('percentile', () => {
  it('is the nearest rank of the sorted values', () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 99)).toBe(5);
    expect(percentile(values, 0)).toBe(1);
    expect(median([10, 30, 20, 40])).toBe(20);
  });

  it('is NaN without values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('throughputAtEnds', () => {
  it('is 1 for a steady pace', () => {
    const times = Array.from({ length: 1000 }, (_, i) => 1_000 + i * 2); // one task every 2 ms
    const pace = throughputAtEnds(times);
    expect(pace.first).toBeCloseTo(500);
    expect(pace.last).toBeCloseTo(500);
    expect(pace.ratio).toBeCloseTo(1);
  });

  it('shows a run that slows down towards its end', () => {
    // 900 tasks at 1 ms each, then 100 at 10 ms each: the last tenth runs at a tenth of the pace.
    const times = Array.from({ length: 1000 }, (_, i) => (i < 900 ? i : 900 + (i - 900) * 10));
    const pace = throughputAtEnds(times);
    expect(pace.first).toBeCloseTo(1000);
    expect(pace.last).toBeCloseTo(100);
    expect(pace.ratio).toBeCloseTo(0.1);
  });

  it('is NaN for too few tasks', () => {
    expect(throughputAtEnds([1]).ratio).toBeNaN();
  });
});
