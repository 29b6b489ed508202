/**
 * Ordering keys: fixed-width strings whose plain string order is the order of the events that
 * set a row's columns. Projection merges keep the greatest key, which makes them idempotent and
 * independent of the order in which events arrive.
 */
export const pad = (n: number) => String(n).padStart(6, '0');

/**
 * An ISO-8601 instant in one fixed form (UTC, milliseconds), so that keys order by time and a
 * replay from the store (which keeps milliseconds) builds the same keys as the live events.
 */
export const instant = (iso: string) => new Date(iso).toISOString();

/** Whether `candidate` beats the stored key (none stored: it does). */
export function greater(stored: string | null | undefined, candidate: string): boolean {
  return stored === null || stored === undefined || candidate > stored;
}
