import { InvalidDateError, formatTaskDate, parseTaskDate } from './dates.js';

export type Chunk = 'none' | 'day' | 'week' | 'month';
export const CHUNKS: readonly Chunk[] = ['none', 'day', 'week', 'month'];
export type WindowPiece = { startDate: string; endDate: string };
export type PlannedTask = WindowPiece & { selection: string };

/** A chunk that is not one of CHUNKS (input from outside the type system). */
export class InvalidChunkError extends Error {
  override name = 'InvalidChunkError';
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEK = 7 * DAY;
/** A Monday midnight (UTC): weeks are counted from it. */
const A_MONDAY = Date.UTC(1969, 11, 29);

/** The first boundary strictly after `ms` (UTC): next midnight, next Monday midnight, next 1st. */
function nextBoundary(ms: number, chunk: Exclude<Chunk, 'none'>): number {
  const date = new Date(ms);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (chunk === 'day') return midnight + DAY;
  if (chunk === 'week') {
    const daysToMonday = (8 - date.getUTCDay()) % 7 || 7; // getUTCDay: 0 = Sunday, 1 = Monday
    return midnight + daysToMonday * DAY;
  }
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Checks a window and returns it in milliseconds; throws InvalidDateError naming what is wrong. */
export function parseWindow(start: string, end: string): { startMs: number; endMs: number } {
  const startMs = parseTaskDate(start);
  const endMs = parseTaskDate(end);
  if (endMs < startMs) throw new InvalidDateError(`the window ends (${end}) before it starts (${start})`);
  return { startMs, endMs };
}

/**
 * Splits a window at calendar boundaries in UTC. Each piece ends the minute before the next
 * boundary, or at the window's own end.
 */
export function splitWindow(start: string, end: string, chunk: Chunk): WindowPiece[] {
  if (!CHUNKS.includes(chunk))
    throw new InvalidChunkError(`chunk must be one of ${CHUNKS.join(', ')}, got ${JSON.stringify(chunk)}`);
  const { startMs, endMs } = parseWindow(start, end);
  if (chunk === 'none') return [{ startDate: start, endDate: end }];
  const pieces: WindowPiece[] = [];
  for (let from = startMs; from <= endMs;) {
    const boundary = nextBoundary(from, chunk);
    pieces.push({
      startDate: formatTaskDate(from),
      endDate: formatTaskDate(Math.min(boundary - MINUTE, endMs)),
    });
    from = boundary;
  }
  return pieces;
}

/**
 * How many pieces `splitWindow` would return, computed without making them: a plan can be checked
 * against its limit before it takes any memory (a century split by day is 36,525 pieces).
 */
export function countWindowPieces(start: string, end: string, chunk: Chunk): number {
  if (!CHUNKS.includes(chunk))
    throw new InvalidChunkError(`chunk must be one of ${CHUNKS.join(', ')}, got ${JSON.stringify(chunk)}`);
  const { startMs, endMs } = parseWindow(start, end);
  if (chunk === 'none') return 1;
  if (chunk === 'day') return Math.floor(endMs / DAY) - Math.floor(startMs / DAY) + 1;
  if (chunk === 'week')
    return Math.floor((endMs - A_MONDAY) / WEEK) - Math.floor((startMs - A_MONDAY) / WEEK) + 1;
  const months = (ms: number) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth();
  return months(endMs) - months(startMs) + 1;
}

/**
 * Tasks = selections × window pieces, ordered by selection (plain string order, each selection
 * once), then start — the order of the results CSV.
 */
export function planTasks(request: {
  selections: string[];
  start: string;
  end: string;
  chunk: Chunk;
}): PlannedTask[] {
  const pieces = splitWindow(request.start, request.end, request.chunk);
  const selections = [...new Set(request.selections)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return selections.flatMap((selection) => pieces.map((piece) => ({ selection, ...piece })));
}
