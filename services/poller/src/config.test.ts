import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('POLLER_FAILPOINT_CLAIM_PAUSE_MS (test only)', () => {
  it('is unset by default: no pause between a claim and its publish', () => {
    expect(loadConfig({}).POLLER_FAILPOINT_CLAIM_PAUSE_MS).toBeUndefined();
  });

  it('takes a pause of up to 10 minutes, naming the variable otherwise', () => {
    expect(loadConfig({ POLLER_FAILPOINT_CLAIM_PAUSE_MS: '120000' }).POLLER_FAILPOINT_CLAIM_PAUSE_MS).toBe(
      120_000,
    );
    expect(() => loadConfig({ POLLER_FAILPOINT_CLAIM_PAUSE_MS: '600001' })).toThrow(
      /POLLER_FAILPOINT_CLAIM_PAUSE_MS: /,
    );
    expect(() => loadConfig({ POLLER_FAILPOINT_CLAIM_PAUSE_MS: '-1' })).toThrow(
      /POLLER_FAILPOINT_CLAIM_PAUSE_MS: /,
    );
  });
});
