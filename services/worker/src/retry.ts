import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, classifyError, errorMessage } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

/**
 * Runs `operation` again (backoff 200 ms … 5 s) while it fails transiently — the database restarting,
 * a lost connection, a deadlock — for up to `timeoutMs`, or until `signal` aborts. An outage of the
 * database thus delays a task instead of spending its attempts.
 */
export async function retryTransient<T>(
  operation: () => Promise<T>,
  options: { what: string; timeoutMs: number; logger: Logger; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const waitMs = backoffMs(attempt, 200, 5_000);
      if (classifyError(error) === 'permanent' || Date.now() + waitMs > deadline || options.signal?.aborted)
        throw error;
      options.logger.warn({ error: errorMessage(error), attempt }, `${options.what} failed; retrying`);
      await sleep(waitMs, undefined, { signal: options.signal });
    }
  }
}
