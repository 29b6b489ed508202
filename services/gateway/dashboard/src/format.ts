// How numbers and dates read on the pages. Every number comes from the gateway as it is: progress,
// rates and ETAs are computed there (one progress function for the API, the CLI and this page).

/** `50.0%` (or `50%` with `digits` 0). */
export const percentText = (percent: number, digits = 1) => `${percent.toFixed(digits)}%`;

/** `2.4` tasks/s. */
export const rateText = (tasksPerSecond: number) => tasksPerSecond.toFixed(1);

/** `42 s`, `3 m 05 s`, `2 h 07 m`; `—` while unknown. */
export function durationText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** An ISO instant in the browser's time zone, to the minute: `Jan 5, 14:03`. */
export function whenText(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** `2023-01-01 → 2023-03-31` for whole days, to the minute otherwise (the dates are UTC). */
export function windowText(from: string | null | undefined, to: string | null | undefined): string {
  if (from?.endsWith(' 00:00') && to?.endsWith(' 23:59')) return `${from.slice(0, 10)} → ${to.slice(0, 10)}`;
  return `${from ?? '?'} → ${to ?? '?'}`;
}
