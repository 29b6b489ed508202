/** Task dates are `YYYY-MM-DD HH:mm` strings in UTC (the seed's format). */
const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

export class InvalidDateError extends Error {
  override name = 'InvalidDateError';
}

/** Milliseconds since the epoch of a `YYYY-MM-DD HH:mm` UTC date; throws for anything else. */
export function parseTaskDate(value: string): number {
  const match = PATTERN.exec(value);
  if (!match) throw new InvalidDateError(`"${value}" is not a date in the form YYYY-MM-DD HH:mm`);
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  if (formatTaskDate(ms) !== value) throw new InvalidDateError(`"${value}" is not a real date and time`);
  return ms;
}

export function formatTaskDate(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}
