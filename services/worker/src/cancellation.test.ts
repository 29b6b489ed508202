import { describe, expect, it } from 'vitest';
import { createLogger } from '@conveyor/runtime';
import { createCancellationCheck } from './cancellation.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('createCancellationCheck', () => {
  it('reads a run once per ttl, and again after it', async () => {
    let clock = 0;
    const reads: string[] = [];
    const isCancelled = createCancellationCheck({
      read: async (runId) => {
        reads.push(runId);
        return runId === 'cancelled';
      },
      ttlMs: 1000,
      logger,
      now: () => clock,
    });
    expect(await isCancelled('cancelled')).toBe(true);
    expect(await isCancelled('cancelled')).toBe(true);
    expect(await isCancelled('running')).toBe(false);
    clock = 1000;
    expect(await isCancelled('cancelled')).toBe(true);
    expect(reads).toEqual(['cancelled', 'running', 'cancelled']);
  });

  it('takes a failed read for "not cancelled", and reads again once the ttl is over', async () => {
    let clock = 0;
    let down = true;
    const isCancelled = createCancellationCheck({
      read: async () => {
        if (down) throw new Error('connect ECONNREFUSED');
        return true;
      },
      ttlMs: 1000,
      logger,
      now: () => clock,
    });
    expect(await isCancelled('r')).toBe(false);
    down = false;
    expect(await isCancelled('r')).toBe(false);
    clock = 1000;
    expect(await isCancelled('r')).toBe(true);
  });
});
