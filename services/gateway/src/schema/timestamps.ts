/** A database datetime (`YYYY-MM-DD HH:mm:ss.SSS`, UTC) as ISO-8601 (`…T…Z`); null stays null. */
export function isoTimestamp(value: string | null): string | null {
  return value === null ? null : `${value.replace(' ', 'T')}Z`;
}
