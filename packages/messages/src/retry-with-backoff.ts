import { backoffMs, sleepUnlessAborted } from './backoff.js';
import { classifyError, type ErrorKindName } from './errors.js';

export type RetryOptions = {
  /** Calls of the operation at the most, the first included (default: no limit). */
  attempts?: number;
  /** ms since the epoch: a wait that would end after it is not started (default: no deadline). */
  deadline?: number;
  /** First wait (ms), doubled per attempt, ±20 % jitter, never above `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** Aborting it ends the retries at once (shutdown): the outcome is `aborted`. */
  signal?: AbortSignal;
  /** Which failures are worth another call (default: classifyError; a permanent one is not). */
  classify?: (error: unknown) => ErrorKindName;
  /** Called before each wait, e.g. to log the failure. */
  onRetry?: (failure: { error: unknown; attempt: number; waitMs: number }) => void;
  now?: () => number;
};

/**
 * How a retried operation ended: its value, or its last error and why the retries stopped —
 * `permanent` (classify said so), `exhausted` (attempts used up, or the deadline too close for the
 * next wait), `aborted` (the signal). `attempt`: the calls made.
 */
export type RetryOutcome<T> =
  | { ok: true; value: T; attempt: number }
  | { ok: false; error: unknown; attempt: number; stop: 'permanent' | 'exhausted' | 'aborted' };

/**
 * Calls `operation` (with the attempt, 1 for the first) until it resolves, waiting with exponential
 * backoff between failures. Without `attempts` and `deadline` it never gives up while the failures
 * are transient — the delay stays capped at `maxMs` — and ends only by success, a permanent failure
 * or the signal: the form for waits on something that is only "not yet" (a dependency restarting,
 * a record another service has not written yet).
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<RetryOutcome<T>> {
  const { signal } = options;
  const classify = options.classify ?? classifyError;
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) return { ok: false, error: signal.reason, attempt: attempt - 1, stop: 'aborted' };
    try {
      return { ok: true, value: await operation(attempt), attempt };
    } catch (error) {
      const stopped = (stop: 'permanent' | 'exhausted' | 'aborted') =>
        ({ ok: false, error, attempt, stop }) as const;
      if (signal?.aborted) return stopped('aborted');
      if (classify(error) === 'permanent') return stopped('permanent');
      if (options.attempts !== undefined && attempt >= options.attempts) return stopped('exhausted');
      const waitMs = backoffMs(attempt, options.baseMs, options.maxMs);
      if (options.deadline !== undefined && now() + waitMs > options.deadline) return stopped('exhausted');
      options.onRetry?.({ error, attempt, waitMs });
      if (!(await sleepUnlessAborted(waitMs, signal))) return stopped('aborted');
    }
  }
}
