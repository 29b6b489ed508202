/**
 * Exponential backoff with ±20 % jitter: `baseMs × 2^(attempt − 1)`, capped at `maxMs`.
 * `attempt` is the attempt that just failed (1 for the first).
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
