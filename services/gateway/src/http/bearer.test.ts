import { describe, expect, it } from 'vitest';
import { checkBearer } from './bearer.js';

describe('checkBearer', () => {
  const token = 'a-token-of-twenty-chars';

  it('lets everything through when no token is configured', () => {
    expect(checkBearer(null, undefined)).toBe(true);
  });

  it('accepts the token as a bearer credential only', () => {
    expect(checkBearer(`Bearer ${token}`, token)).toBe(true);
    expect(checkBearer(`bearer ${token}`, token)).toBe(true);
    expect(checkBearer(token, token)).toBe(false);
    expect(checkBearer(`Basic ${token}`, token)).toBe(false);
    expect(checkBearer(`Bearer ${token}x`, token)).toBe(false);
    expect(checkBearer('Bearer ', token)).toBe(false);
    expect(checkBearer(null, token)).toBe(false);
  });
});
