import { errorMessage, retryWithBackoff } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

/**
 * Runs `operation` again (backoff 200 ms … 5 s) while it fails transiently — the database restarting,
 * a lost connection, a deadlock — for up to `timeoutMs`, or until `signal` aborts; then rejects with
 * its last error. An outage of the database thus delays a task instead of spending its attempts.
 */
export async function retryTransient<T>(
  operation: () => Promise<T>,
  options: { what: string; timeoutMs: number; logger: Logger; signal?: AbortSignal },
): Promise<T> {
  const outcome = await retryWithBackoff(operation, {
    deadline: Date.now() + options.timeoutMs,
    baseMs: 200,
    maxMs: 5_000,
    signal: options.signal,
    onRetry: ({ error, attempt }) =>
      options.logger.warn({ error: errorMessage(error), attempt }, `${options.what} failed; retrying`),
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
