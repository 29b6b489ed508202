import type { Partition } from './partition.js';
import type { PartitionHead } from './partition-stats.js';

/** A stored partition's head with the task it belongs to: what compareRuns reads first. */
export type CellHead = PartitionHead & { taskId: string };

/** A cell (selection × window piece) of a run, by its key. */
export type Cell = { selection: string; startDate: string; endDate: string };

/** An element's figures in one cell of one run. */
export type ElementFigures = {
  capacityKw: number; // kW
  peakKw: number; // kW
  utilization: number;
  overloadedIntervals: number;
};

/**
 * What changed for one element in one cell between run A and run B; `a` or `b` is null when the
 * element is in that cell of one run only. The changes are B − A, null unless the element is in both.
 */
export type ElementChange = Cell & {
  elementId: string;
  a: ElementFigures | null;
  b: ElementFigures | null;
  peakKwChange: number | null; // kW
  utilizationChange: number | null;
  overloadedIntervalsChange: number | null;
};

/** The cells of two runs matched by key: pairs whose contents may differ, equal pairs, lone cells. */
export type CellPairs = {
  differing: { a: CellHead; b: CellHead }[];
  unchanged: { a: CellHead; b: CellHead }[];
  onlyInA: Cell[];
  onlyInB: Cell[];
};

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Cells in the export's order: selection, then start date (plain string order). */
export function compareCells(a: Cell, b: Cell): number {
  return text(a.selection, b.selection) || text(a.startDate, b.startDate) || text(a.endDate, b.endDate);
}

const keyOf = (cell: Cell) => `${cell.selection}\u0000${cell.startDate}\u0000${cell.endDate}`;
const cellOf = ({ selection, startDate, endDate }: Cell): Cell => ({ selection, startDate, endDate });

/**
 * Matches the cells of two runs on their key (runs over different topologies compare on the cells they
 * share). A pair is unchanged when both digests are known and equal; a partition without a digest
 * (written before digests) counts as differing, so that its data is decoded. Every list is in cell order.
 */
export function pairCells(headsA: Iterable<CellHead>, headsB: Iterable<CellHead>): CellPairs {
  const byKey = new Map<string, CellHead>();
  for (const head of headsA) byKey.set(keyOf(head), head);
  const pairs: CellPairs = { differing: [], unchanged: [], onlyInA: [], onlyInB: [] };
  for (const b of headsB) {
    const key = keyOf(b);
    const a = byKey.get(key);
    if (!a) {
      pairs.onlyInB.push(cellOf(b));
      continue;
    }
    byKey.delete(key);
    const same = a.stats.digest !== undefined && a.stats.digest === b.stats.digest;
    (same ? pairs.unchanged : pairs.differing).push({ a, b });
  }
  pairs.onlyInA = [...byKey.values()].map(cellOf);
  const byA = (x: { a: CellHead }, y: { a: CellHead }) => compareCells(x.a, y.a);
  pairs.differing.sort(byA);
  pairs.unchanged.sort(byA);
  pairs.onlyInA.sort(compareCells);
  pairs.onlyInB.sort(compareCells);
  return pairs;
}

function figuresAt(partition: Partition, i: number): ElementFigures {
  return {
    capacityKw: partition.capacityKw[i]!,
    peakKw: partition.peakKw[i]!,
    utilization: partition.utilization[i]!,
    overloadedIntervals: partition.overloadedIntervals[i]!,
  };
}

function sameFigures(a: ElementFigures, b: ElementFigures): boolean {
  return (
    a.capacityKw === b.capacityKw &&
    a.peakKw === b.peakKw &&
    a.utilization === b.utilization &&
    a.overloadedIntervals === b.overloadedIntervals
  );
}

function change(cell: Cell, elementId: string, a: ElementFigures | null, b: ElementFigures | null) {
  return {
    ...cellOf(cell),
    elementId,
    a,
    b,
    peakKwChange: a && b ? b.peakKw - a.peakKw : null,
    utilizationChange: a && b ? b.utilization - a.utilization : null,
    overloadedIntervalsChange: a && b ? b.overloadedIntervals - a.overloadedIntervals : null,
  };
}

/**
 * The elements of one cell whose capacity, peak, utilization or overloaded intervals differ between
 * two runs, and those in one run only, in element id order (both partitions hold rows in that order).
 */
export function diffPartitions(a: Partition, b: Partition): ElementChange[] {
  const changes: ElementChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.cableIds.length || j < b.cableIds.length) {
    const idA = a.cableIds[i];
    const idB = b.cableIds[j];
    if (idB === undefined || (idA !== undefined && idA < idB)) {
      changes.push(change(a, idA!, figuresAt(a, i++), null));
    } else if (idA === undefined || idB < idA) {
      changes.push(change(a, idB, null, figuresAt(b, j++)));
    } else {
      const figuresA = figuresAt(a, i++);
      const figuresB = figuresAt(b, j++);
      if (!sameFigures(figuresA, figuresB)) changes.push(change(a, idA, figuresA, figuresB));
    }
  }
  return changes;
}
