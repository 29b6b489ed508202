import { describe, expect, it } from 'vitest';
import { durationMs, interpolate } from './compose.js';

describe('interpolate', () => {
  it('follows Compose: `:-` for unset or empty, `-` for unset only, `$$` for a dollar', () => {
    const env = { SET: 'value', EMPTY: '' };
    expect(interpolate('${SET:-d} ${EMPTY:-d} ${UNSET:-d}', env)).toBe('value d d');
    expect(interpolate('${EMPTY-d}|${UNSET-d}', env)).toBe('|d');
    expect(interpolate('$SET ${UNSET} $$HOME', env)).toBe('value  $HOME');
  });
});

describe('durationMs', () => {
  it('reads Compose durations', () => {
    expect(durationMs('75s')).toBe(75_000);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('500ms')).toBe(500);
    expect(() => durationMs('soon')).toThrow();
  });
});
