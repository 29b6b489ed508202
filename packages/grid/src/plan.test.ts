import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTaskDate } from './dates.js';
import { CHUNKS, countWindowPieces, planTasks, splitWindow } from './plan.js';

const pieces = (start: string, end: string, chunk: Parameters<typeof splitWindow>[2]) =>
  splitWindow(start, end, chunk).map((p) => `${p.startDate} → ${p.endDate}`);

describe('splitWindow', () => {
  it('splits by month at the 1st, the last piece ending with the window', () => {
    expect(pieces('2023-01-15 00:00', '2023-03-10 23:59', 'month')).toEqual([
      '2023-01-15 00:00 → 2023-01-31 23:59',
      '2023-02-01 00:00 → 2023-02-28 23:59',
      '2023-03-01 00:00 → 2023-03-10 23:59',
    ]);
  });

  it('knows leap years', () => {
    expect(pieces('2024-02-20 00:00', '2024-03-01 05:00', 'month')).toEqual([
      '2024-02-20 00:00 → 2024-02-29 23:59',
      '2024-03-01 00:00 → 2024-03-01 05:00',
    ]);
  });

  it('splits by ISO week at Monday midnight, across a year boundary', () => {
    // 2022-12-29 is a Thursday; 2023-01-02 a Monday.
    expect(pieces('2022-12-29 06:00', '2023-01-10 12:30', 'week')).toEqual([
      '2022-12-29 06:00 → 2023-01-01 23:59',
      '2023-01-02 00:00 → 2023-01-08 23:59',
      '2023-01-09 00:00 → 2023-01-10 12:30',
    ]);
  });

  it('starts a week piece on a Monday midnight without an empty piece, through Feb 29th', () => {
    // 2024-02-26 and 2024-03-04 are Mondays.
    expect(pieces('2024-02-26 00:00', '2024-03-04 00:00', 'week')).toEqual([
      '2024-02-26 00:00 → 2024-03-03 23:59',
      '2024-03-04 00:00 → 2024-03-04 00:00',
    ]);
  });

  it('splits by day, a window ending mid-day', () => {
    expect(pieces('2024-02-28 22:00', '2024-03-01 11:45', 'day')).toEqual([
      '2024-02-28 22:00 → 2024-02-28 23:59',
      '2024-02-29 00:00 → 2024-02-29 23:59',
      '2024-03-01 00:00 → 2024-03-01 11:45',
    ]);
  });

  it('keeps the window whole with chunk none, and a window of one minute', () => {
    expect(pieces('2023-01-15 00:00', '2023-03-10 23:59', 'none')).toEqual([
      '2023-01-15 00:00 → 2023-03-10 23:59',
    ]);
    expect(pieces('2023-01-31 23:59', '2023-01-31 23:59', 'month')).toEqual([
      '2023-01-31 23:59 → 2023-01-31 23:59',
    ]);
  });

  it('rejects malformed dates, impossible dates and reversed windows', () => {
    expect(() => splitWindow('2023-1-1 00:00', '2023-01-02 00:00', 'day')).toThrow(/YYYY-MM-DD HH:mm/);
    expect(() => splitWindow('2023-02-29 00:00', '2023-03-02 00:00', 'day')).toThrow(/not a real date/);
    expect(() => splitWindow('2023-03-02 00:00', '2023-03-01 00:00', 'day')).toThrow(
      /ends .* before it starts/,
    );
    expect(() => splitWindow('2023-03-01 00:00', '2023-03-02 00:00', 'year' as never)).toThrow(
      /chunk must be one of none, day, week, month, got "year"/,
    );
  });
});

describe('planTasks', () => {
  it('is selections × pieces, by selection (plain string order, once each) then start', () => {
    const tasks = planTasks({
      selections: ['2', '10', '2'],
      start: '2023-01-30 00:00',
      end: '2023-02-01 23:59',
      chunk: 'month',
    });
    expect(tasks.map((t) => `${t.selection} ${t.startDate} → ${t.endDate}`)).toEqual([
      '10 2023-01-30 00:00 → 2023-01-31 23:59',
      '10 2023-02-01 00:00 → 2023-02-01 23:59',
      '2 2023-01-30 00:00 → 2023-01-31 23:59',
      '2 2023-02-01 00:00 → 2023-02-01 23:59',
    ]);
  });
});

describe('countWindowPieces', () => {
  const MINUTE = 60_000;
  // Minutes from 1900 to 2100, and windows up to ~3 years long.
  const minuteOf = fc.integer({ min: 0, max: 200 * 366 * 24 * 60 });
  const windowOf = fc.tuple(minuteOf, fc.integer({ min: 0, max: 3 * 366 * 24 * 60 }));
  const base = Date.UTC(1900, 0, 1);

  it('is the number of pieces splitWindow makes, for any window and chunk', () => {
    fc.assert(
      fc.property(windowOf, fc.constantFrom(...CHUNKS), ([from, length], chunk) => {
        const start = formatTaskDate(base + from * MINUTE);
        const end = formatTaskDate(base + (from + length) * MINUTE);
        expect(countWindowPieces(start, end, chunk)).toBe(splitWindow(start, end, chunk).length);
      }),
    );
  });

  it('counts a century by day without making its pieces', () => {
    expect(countWindowPieces('1923-01-01 00:00', '2022-12-31 23:59', 'day')).toBe(36_525);
    expect(countWindowPieces('2023-01-01 00:00', '2023-12-31 23:59', 'week')).toBe(53);
    expect(countWindowPieces('2023-01-15 00:00', '2024-01-14 00:00', 'month')).toBe(13);
  });

  it('refuses what splitWindow refuses', () => {
    expect(() => countWindowPieces('2023-03-02 00:00', '2023-03-01 00:00', 'day')).toThrow(
      /before it starts/,
    );
    expect(() => countWindowPieces('2023-03-01 00:00', '2023-03-02 00:00', 'hour' as never)).toThrow(
      /chunk must be one of/,
    );
  });
});
