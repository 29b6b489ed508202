import { describe, expect, it } from 'vitest';
import { datetimeIso, datetimeMs, toDatetime } from './datetime.js';

describe('the datetime codec', () => {
  it('writes an instant as DATETIME(3) text in UTC, milliseconds kept', () => {
    expect(toDatetime('2024-03-01T12:34:56.789Z')).toBe('2024-03-01 12:34:56.789');
    expect(toDatetime('2024-03-01T13:34:56.789+01:00')).toBe('2024-03-01 12:34:56.789');
    expect(toDatetime(Date.UTC(2024, 2, 1, 12, 34, 56, 7))).toBe('2024-03-01 12:34:56.007');
    expect(toDatetime(new Date('2024-03-01T00:00:00Z'))).toBe('2024-03-01 00:00:00.000');
  });

  it('lets DATETIME text through, with milliseconds', () => {
    expect(toDatetime('2024-03-01 12:34:56.789')).toBe('2024-03-01 12:34:56.789');
    expect(toDatetime('2024-03-01 12:34:56')).toBe('2024-03-01 12:34:56.000');
  });

  it('reads DATETIME text as an ISO-8601 instant and as ms', () => {
    expect(datetimeIso('2024-03-01 12:34:56.789')).toBe('2024-03-01T12:34:56.789Z');
    expect(datetimeMs('2024-03-01 12:34:56.789')).toBe(Date.UTC(2024, 2, 1, 12, 34, 56, 789));
    expect(toDatetime(datetimeIso('2024-03-01 12:34:56.789'))).toBe('2024-03-01 12:34:56.789');
    expect(datetimeIso(null)).toBeNull();
  });

  it('refuses what is not a date, naming it', () => {
    expect(() => toDatetime('yesterday')).toThrow('not a date: "yesterday"');
    expect(() => datetimeMs('2024-03-01T12:34:56Z')).toThrow('not a DATETIME');
    expect(() => datetimeMs('2024-13-45 99:00:00')).toThrow('not a DATETIME');
  });
});
