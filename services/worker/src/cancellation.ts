import { errorMessage } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

/**
 * Answers "was this task's run cancelled?" — every task asks at its start and at each heartbeat — from
 * `read` (the database) at most once per `ttlMs` per run. A failed read is not a cancellation: it
 * answers false, logged, and the next question after `ttlMs` reads again.
 */
export function createCancellationCheck(deps: {
  read: (runId: string) => Promise<boolean>;
  ttlMs: number;
  logger: Logger;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<boolean> }>();
  const readOrNo = async (runId: string) => {
    try {
      return await deps.read(runId);
    } catch (error) {
      deps.logger.warn({ runId, error: errorMessage(error) }, 'cancellation check failed');
      return false;
    }
  };
  return (runId: string): Promise<boolean> => {
    const hit = cache.get(runId);
    if (hit && now() - hit.at < deps.ttlMs) return hit.value;
    const value = readOrNo(runId);
    cache.set(runId, { at: now(), value });
    if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
