/**
 * The one conversion between the database's DATETIME(3) text and the rest of the code. The pool reads
 * DATETIME columns as text (`dateStrings`) in UTC sessions: `YYYY-MM-DD HH:mm:ss.SSS`, no zone.
 * Events and the API speak ISO-8601 instants (`…T…Z`); arithmetic wants ms since the epoch.
 * Milliseconds are kept both ways; anything that is not a date is a RangeError naming it.
 */

const DATETIME_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** An instant (ISO-8601 text, ms since the epoch, a Date) as DATETIME(3) text, UTC; DATETIME text passes through. */
export function toDatetime(value: string | number | Date): string {
  const ms =
    typeof value === 'string' && DATETIME_TEXT.test(value) ? datetimeMs(value) : new Date(value).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

/** DATETIME text (UTC) as an ISO-8601 instant with milliseconds: `2024-01-01T00:00:00.000Z`; NULL stays null. */
export function datetimeIso(text: string): string;
export function datetimeIso(text: string | null): string | null;
export function datetimeIso(text: string | null): string | null {
  return text === null ? null : new Date(datetimeMs(text)).toISOString();
}

/** DATETIME text (UTC) as ms since the epoch. */
export function datetimeMs(text: string): number {
  const ms = DATETIME_TEXT.test(text) ? Date.parse(`${text.replace(' ', 'T')}Z`) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`not a DATETIME: ${JSON.stringify(text)}`);
  return ms;
}
