import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('GATEWAY_TOKEN', () => {
  it('stops the gateway when it is the CHANGE_ME placeholder, naming the variable', () => {
    expect(() => loadConfig({ GATEWAY_TOKEN: 'CHANGE_ME-to-a-long-random-token-of-64-characters' })).toThrow(
      /GATEWAY_TOKEN: is the placeholder \(CHANGE_ME…\)/,
    );
  });

  it('is at least GATEWAY_TOKEN_MIN_LENGTH characters long (16 by default, 32 in the manifests)', () => {
    expect(() => loadConfig({ GATEWAY_TOKEN: 'fifteen-chars-x' })).toThrow(
      /GATEWAY_TOKEN: use at least 16 characters/,
    );
    expect(loadConfig({ GATEWAY_TOKEN: 'sixteen-chars-xx' }).GATEWAY_TOKEN).toBe('sixteen-chars-xx');
    const manifests = { GATEWAY_TOKEN_MIN_LENGTH: '32' };
    expect(() => loadConfig({ ...manifests, GATEWAY_TOKEN: 'x'.repeat(31) })).toThrow(
      /GATEWAY_TOKEN: use at least 32 characters \(GATEWAY_TOKEN_MIN_LENGTH\)/,
    );
    expect(loadConfig({ ...manifests, GATEWAY_TOKEN: 'x'.repeat(32) }).GATEWAY_TOKEN).toHaveLength(32);
  });

  it('may be left unset (a local stack), and the reads are closed unless GATEWAY_PUBLIC_READS says otherwise', () => {
    const config = loadConfig({});
    expect(config.GATEWAY_TOKEN).toBeUndefined();
    expect(config.GATEWAY_PUBLIC_READS).toBe(false);
    expect(config.GATEWAY_INTROSPECTION).toBe(true);
    expect(loadConfig({ GATEWAY_PUBLIC_READS: 'true' }).GATEWAY_PUBLIC_READS).toBe(true);
    expect(() => loadConfig({ GATEWAY_PUBLIC_READS: 'yes' })).toThrow(/GATEWAY_PUBLIC_READS/);
  });
});
