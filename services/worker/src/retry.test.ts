import { describe, expect, it } from 'vitest';
import { PermanentError } from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import { retryTransient } from './retry.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('retryTransient', () => {
  it('runs the operation again until the dependency is back', async () => {
    let calls = 0;
    const value = await retryTransient(
      () => (++calls < 3 ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve('written')),
      { what: 'write', timeoutMs: 10_000, logger },
    );
    expect(value).toBe('written');
    expect(calls).toBe(3);
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new PermanentError('bad row'));
    };
    await expect(retryTransient(failing, { what: 'write', timeoutMs: 10_000, logger })).rejects.toThrow(
      'bad row',
    );
    expect(calls).toBe(1);
  });

  it('gives up when the next wait would pass the deadline, with the last error', async () => {
    let calls = 0;
    const failing = () => Promise.reject(new Error(`down ${++calls}`));
    await expect(retryTransient(failing, { what: 'write', timeoutMs: 100, logger })).rejects.toThrow(
      'down 1',
    );
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const failing = () => {
      controller.abort(new Error('worker stopping'));
      return Promise.reject(new Error('down'));
    };
    await expect(
      retryTransient(failing, { what: 'write', timeoutMs: 10_000, logger, signal: controller.signal }),
    ).rejects.toThrow('down');
  });
});
