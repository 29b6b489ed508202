import type { Cell, CellPairs, ElementChange } from './compare-partitions.js';

/** Ids and cells listed in a comparison's summary, at most: the counts give the rest. */
export const COMPARISON_LISTED = 1_000;
/** The summary's largest changes, by utilization. */
export const COMPARISON_LARGEST = 10;

/**
 * What changed between two runs (B − A) on the cells they share: counts, the elements newly and no
 * longer overloaded, the largest changes, the cells in one run only, and one page of the changes
 * (cell order, then element id).
 */
export type RunComparison = {
  cellsCompared: number;
  cellsUnchanged: number;
  cellsChanged: number;
  changeCount: number;
  onlyInACount: number;
  onlyInBCount: number;
  /** The first COMPARISON_LISTED, in cell order. */
  onlyInA: Cell[];
  onlyInB: Cell[];
  newlyOverloadedCount: number;
  noLongerOverloadedCount: number;
  /** Element ids in plain string order, the first COMPARISON_LISTED. */
  newlyOverloaded: string[];
  noLongerOverloaded: string[];
  largestChanges: ElementChange[];
  /** The page [after, after + limit) of all changes. */
  changes: ElementChange[];
};

export type ComparisonBuilder = {
  /** The changes of the next differing cell, in cell order. */
  add: (changes: ElementChange[]) => void;
  finish: () => RunComparison;
};

const magnitude = (change: ElementChange) => Math.abs(change.utilizationChange ?? 0);

/**
 * Collects a comparison from its cell pairs and the changes of each differing cell (decoded by the
 * caller, in cell order), holding one page of changes and the largest few, however many there are.
 */
export function createComparison(
  pairs: CellPairs,
  page: { after: number; limit: number },
): ComparisonBuilder {
  const overloadedIn = (side: 'a' | 'b') => {
    const ids = new Set<string>();
    for (const pair of [...pairs.differing, ...pairs.unchanged])
      for (const cable of pair[side].stats.overloaded) ids.add(cable.cableId);
    return ids;
  };
  const overloadedA = overloadedIn('a');
  const overloadedB = overloadedIn('b');
  const newly = new Set<string>();
  const noLonger = new Set<string>();
  const largest: ElementChange[] = [];
  const changes: ElementChange[] = [];
  let changeCount = 0;
  let cellsChanged = 0;

  const add = (cellChanges: ElementChange[]) => {
    if (cellChanges.length > 0) cellsChanged++;
    for (const change of cellChanges) {
      const { a, b, elementId } = change;
      if (a && b && b.overloadedIntervals > 0 && !overloadedA.has(elementId)) newly.add(elementId);
      if (a && b && a.overloadedIntervals > 0 && !overloadedB.has(elementId)) noLonger.add(elementId);
      if (changeCount >= page.after && changeCount < page.after + page.limit) changes.push(change);
      changeCount++;
      if (change.utilizationChange === null || change.utilizationChange === 0) continue;
      // Stable: among equal magnitudes the earlier change (cell order) stays first.
      const at = largest.findIndex((kept) => magnitude(kept) < magnitude(change));
      if (at >= 0) largest.splice(at, 0, change);
      else largest.push(change);
      if (largest.length > COMPARISON_LARGEST) largest.pop();
    }
  };

  const listed = (ids: Set<string>) => [...ids].sort().slice(0, COMPARISON_LISTED);
  const finish = (): RunComparison => ({
    cellsCompared: pairs.differing.length + pairs.unchanged.length,
    cellsUnchanged: pairs.unchanged.length + pairs.differing.length - cellsChanged,
    cellsChanged,
    changeCount,
    onlyInACount: pairs.onlyInA.length,
    onlyInBCount: pairs.onlyInB.length,
    onlyInA: pairs.onlyInA.slice(0, COMPARISON_LISTED),
    onlyInB: pairs.onlyInB.slice(0, COMPARISON_LISTED),
    newlyOverloadedCount: newly.size,
    noLongerOverloadedCount: noLonger.size,
    newlyOverloaded: listed(newly),
    noLongerOverloaded: listed(noLonger),
    largestChanges: largest,
    changes,
  });
  return { add, finish };
}
