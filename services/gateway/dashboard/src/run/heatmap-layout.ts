// The heatmap's layout and colours, apart from the canvas: selections (rows) × window pieces (columns).

export type HeatTask = {
  id: string;
  selection: string | null;
  startDate: string | null;
  status: string;
  summary: string | null;
};

export type HeatCell = { task: HeatTask; maxUtilization: number | null; overloaded: boolean };

export type HeatLayout = {
  rows: string[];
  columns: string[];
  /** `cells[row][column]`, undefined where the plan has no task (yet). */
  cells: (HeatCell | undefined)[][];
};

/** Selections in natural order ("2" before "10"), window pieces by start. */
const natural = new Intl.Collator('en', { numeric: true }).compare;

function readSummary(summary: string | null): { maxUtilization: number | null; overloaded: boolean } {
  if (!summary) return { maxUtilization: null, overloaded: false };
  try {
    const parsed = JSON.parse(summary) as { maxUtilization?: unknown; overloadedCables?: unknown };
    const max = typeof parsed.maxUtilization === 'number' ? parsed.maxUtilization : null;
    const overloaded = typeof parsed.overloadedCables === 'number' && parsed.overloadedCables > 0;
    return { maxUtilization: max, overloaded: overloaded || (max !== null && max > 1) };
  } catch {
    return { maxUtilization: null, overloaded: false };
  }
}

export function layoutHeatmap(tasks: HeatTask[]): HeatLayout {
  const rows = [...new Set(tasks.map((t) => t.selection ?? '?'))].sort(natural);
  const columns = [...new Set(tasks.map((t) => t.startDate ?? '?'))].sort();
  const rowOf = new Map(rows.map((r, i) => [r, i]));
  const columnOf = new Map(columns.map((c, i) => [c, i]));
  const cells: (HeatCell | undefined)[][] = rows.map(() => new Array<HeatCell | undefined>(columns.length));
  for (const task of tasks) {
    const row = rowOf.get(task.selection ?? '?')!;
    const column = columnOf.get(task.startDate ?? '?')!;
    cells[row]![column] = { task, ...readSummary(task.summary) };
  }
  return { rows, columns, cells };
}

export const STATUS_COLOURS: Record<string, string> = {
  QUEUED: '#d1d5db',
  STARTED: '#60a5fa',
  FINISHED: '#22c55e',
  FAILED: '#ef4444',
  CANCELLED: '#a8a29e',
};

/** Utilization 0 → pale green, 0.5 → yellow, 1 → orange; above 1 (overloaded) red. */
export function utilizationColour(utilization: number | null): string {
  if (utilization === null) return '#e5e7eb';
  if (utilization > 1) return '#dc2626';
  const u = Math.max(0, utilization);
  const hue = 130 - 100 * u; // degrees: green to orange
  return `hsl(${hue.toFixed(0)} 75% ${(85 - 30 * u).toFixed(0)}%)`;
}

/** Row height (px): rows stay readable for a few dozen selections and a thousand still scroll. */
export const rowHeightFor = (rows: number) => (rows <= 60 ? 18 : 8);
