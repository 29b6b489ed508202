/**
 * Ordering keys: fixed-width strings whose plain string order is the order of the events that
 * set a row's columns. Projection merges keep the greatest key, which makes them idempotent and
 * independent of the order in which events arrive.
 */
export const pad = (n: number) => String(n).padStart(6, '0');

/** An ISO-8601 instant as MySQL DATETIME(3) text, UTC. */
export function toDatetime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '').slice(0, 23);
}

export function greater(a: string | null | undefined, b: string): boolean {
  return a === null || a === undefined || b > a;
}
