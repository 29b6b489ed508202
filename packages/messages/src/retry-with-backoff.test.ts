import { describe, expect, it } from 'vitest';
import { PermanentError } from './errors.js';
import { retryWithBackoff } from './retry-with-backoff.js';

/** An operation that fails `failures` times (transiently), then resolves 'done'. */
const failing = (failures: number) => {
  const calls: number[] = [];
  const operation = async (attempt: number) => {
    calls.push(attempt);
    if (calls.length <= failures) throw new Error(`down ${attempt}`);
    return 'done';
  };
  return { calls, operation };
};

describe('retryWithBackoff', () => {
  it('calls again after transient failures, with the attempt, until the operation resolves', async () => {
    const { calls, operation } = failing(2);
    const waits: number[] = [];
    const outcome = await retryWithBackoff(operation, {
      baseMs: 1,
      maxMs: 4,
      onRetry: ({ waitMs }) => void waits.push(waitMs),
    });
    expect(outcome).toEqual({ ok: true, value: 'done', attempt: 3 });
    expect(calls).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
  });

  it('stops at a permanent failure, and after the last of `attempts`', async () => {
    const permanent = await retryWithBackoff(() => Promise.reject(new PermanentError('bad input')), {
      baseMs: 1,
      maxMs: 1,
    });
    expect(permanent).toMatchObject({ ok: false, stop: 'permanent', attempt: 1 });
    expect((permanent as { error: Error }).error.message).toBe('bad input');

    const { calls, operation } = failing(10);
    expect(await retryWithBackoff(operation, { attempts: 3, baseMs: 1, maxMs: 1 })).toMatchObject({
      ok: false,
      stop: 'exhausted',
      attempt: 3,
    });
    expect(calls).toEqual([1, 2, 3]);
  });

  it('does not start a wait that would end past the deadline', async () => {
    const { calls, operation } = failing(10);
    let clock = 0;
    const outcome = await retryWithBackoff(operation, {
      deadline: 100,
      baseMs: 40,
      maxMs: 40,
      now: () => (clock += 30), // 30 ms pass per look at the clock
    });
    expect(outcome).toMatchObject({ ok: false, stop: 'exhausted' });
    expect((outcome as { error: Error }).error.message).toBe(`down ${calls.length}`);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('with neither attempts nor deadline, keeps calling through many failures', async () => {
    const { calls, operation } = failing(30);
    const outcome = await retryWithBackoff(operation, { baseMs: 0, maxMs: 0 });
    expect(outcome).toEqual({ ok: true, value: 'done', attempt: 31 });
    expect(calls).toHaveLength(31);
  });

  it('ends at once when the signal aborts, during a wait or before a call', async () => {
    const controller = new AbortController();
    const { calls, operation } = failing(10);
    const retrying = retryWithBackoff(operation, {
      baseMs: 60_000,
      maxMs: 60_000,
      signal: controller.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('stopping'));
    expect(await retrying).toMatchObject({ ok: false, stop: 'aborted', attempt: 1 });
    expect(calls).toEqual([1]);
    expect(
      await retryWithBackoff(operation, { baseMs: 1, maxMs: 1, signal: controller.signal }),
    ).toMatchObject({ ok: false, stop: 'aborted', attempt: 0 });
    expect(calls).toEqual([1]);
  });

  it('lets the caller say what is worth retrying', async () => {
    const { calls, operation } = failing(10);
    const outcome = await retryWithBackoff(operation, { baseMs: 1, maxMs: 1, classify: () => 'permanent' });
    expect(outcome).toMatchObject({ ok: false, stop: 'permanent', attempt: 1 });
    expect(calls).toEqual([1]);
  });
});
