import { formatTaskDate } from './dates.js';
import type { CableResult } from './kernel.js';
import type { Partition } from './partition.js';

/** One row of the results CSV: a cable's results for one task (DESIGN §5). */
export type ResultRow = CableResult & { selection: string; startDate: string; endDate: string };

/** A task's cable results as rows of the results CSV. */
export function resultRowsOf(
  results: CableResult[],
  task: { selection: string; startDate: string; endDate: string },
): ResultRow[] {
  const { selection, startDate, endDate } = task;
  return results.map((row) => ({ ...row, selection, startDate, endDate }));
}

export const RESULT_CSV_HEADER =
  'selection,start_date,end_date,cable_id,capacity_kw,peak_kw,peak_at,utilization,overloaded_intervals,energy_kwh';

function field(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Numbers in shortest round-trip form (`String(x)`), text quoted only when it must be. */
export function formatResultRow(row: ResultRow): string {
  return [
    field(row.selection),
    row.startDate,
    row.endDate,
    field(row.cableId),
    String(row.capacityKw),
    String(row.peakKw),
    row.peakAt,
    String(row.utilization),
    String(row.overloadedIntervals),
    String(row.energyKwh),
  ].join(',');
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The CSV's order: selection, then start date, then cable id, in plain string order. */
export function compareResultRows(a: ResultRow, b: ResultRow): number {
  return (
    compare(a.selection, b.selection) || compare(a.startDate, b.startDate) || compare(a.cableId, b.cableId)
  );
}

/** A sorted copy of the rows, in the CSV's order. */
export function sortResultRows(rows: readonly ResultRow[]): ResultRow[] {
  return [...rows].sort(compareResultRows);
}

/**
 * The whole results CSV as text: the header, then one line per row in the CSV's order, each line
 * ending with `\n`. The gateway streams the same lines (header + `formatResultRow`) row by row.
 */
export function writeResultsCsv(rows: readonly ResultRow[]): string {
  return `${[RESULT_CSV_HEADER, ...sortResultRows(rows).map(formatResultRow)].join('\n')}\n`;
}

/**
 * The CSV lines of one result partition (each ending with `\n`), the same bytes as
 * `formatResultRow` of its rows: exports concatenate them in (selection, start_date) order.
 */
export function formatPartitionCsv(partition: Partition): string {
  const prefix = `${field(partition.selection)},${partition.startDate},${partition.endDate},`;
  // Many cables of a task peak in the same interval: format each distinct minute once.
  const dates = new Map<number, string>();
  let text = '';
  for (let i = 0; i < partition.cableIds.length; i++) {
    const minute = partition.peakAt[i]!;
    let peakAt = dates.get(minute);
    if (peakAt === undefined) {
      peakAt = formatTaskDate(minute * 60_000);
      dates.set(minute, peakAt);
    }
    text += `${prefix}${field(partition.cableIds[i]!)},${partition.capacityKw[i]},${partition.peakKw[i]},${peakAt},${partition.utilization[i]},${partition.overloadedIntervals[i]},${partition.energyKwh[i]}\n`;
  }
  return text;
}
