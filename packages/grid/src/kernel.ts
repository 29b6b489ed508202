import { formatTaskDate, parseTaskDate } from './dates.js';
import type { BuiltTopology } from './build-topology.js';
import { allocatePartition, type Partition } from './partition.js';
import {
  HOURLY,
  HOURS_PER_YEAR,
  INTERVAL_HOURS,
  INTERVAL_MINUTES,
  MONTHLY,
  SOLAR_HOURLY,
  SOLAR_MONTHLY,
} from './load-model.js';

/**
 * One substation's radial network as structure-of-arrays, nodes in post-order (every node after
 * all of its descendants), so that subtree sums take one pass: each node adds its subtree's load
 * into its parent's accumulator. Node `i` is fed by cable `i`.
 */
export type CompiledSelection = {
  selection: string;
  size: number;
  /** annualKwh / 8760 of residential nodes, 0 for commercial ones (kW per unit of profile factor). */
  residentialKw: Float64Array;
  /** annualKwh / 8760 of commercial nodes, 0 for residential ones. */
  commercialKw: Float64Array;
  pvKwp: Float64Array;
  /** Post-order index of the parent node; -1 when the node hangs off the substation. */
  parent: Int32Array;
  capacityKw: Float64Array;
  cableIds: string[];
  /** Post-order indices in cable id order (plain string order): the order of result rows. */
  idOrder: Int32Array;
};

export type CableResult = {
  cableId: string;
  capacityKw: number;
  peakKw: number;
  peakAt: string;
  utilization: number;
  overloadedIntervals: number;
  energyKwh: number;
};

export type TaskSummary = {
  cables: number;
  maxUtilization: number;
  overloadedCables: number;
  energyKwh: number;
};
export type TaskResult = { rows: CableResult[]; summary: TaskSummary };

export function compileSelection(topology: BuiltTopology, selection: string): CompiledSelection {
  const substation = topology.substations.find((s) => s.id === selection);
  if (!substation) throw new Error(`no substation "${selection}" in the topology`);
  // BFS order has parents before children; reversed, every child comes before its parent.
  const order = [...substation.nodes].reverse();
  const index = new Map(order.map((node, i) => [node.id, i]));
  const size = order.length;
  const compiled: CompiledSelection = {
    selection,
    size,
    residentialKw: new Float64Array(size),
    commercialKw: new Float64Array(size),
    pvKwp: new Float64Array(size),
    parent: new Int32Array(size),
    capacityKw: new Float64Array(size),
    cableIds: order.map((node) => node.cable.id),
    idOrder: new Int32Array(size),
  };
  order.forEach((node, i) => {
    const base = node.annualKwh / HOURS_PER_YEAR;
    compiled.residentialKw[i] = node.profile === 'residential' ? base : 0;
    compiled.commercialKw[i] = node.profile === 'commercial' ? base : 0;
    compiled.pvKwp[i] = node.pvKwp;
    compiled.parent[i] = node.parent === null ? -1 : index.get(node.parent)!;
    compiled.capacityKw[i] = node.cable.capacityKw;
  });
  const byId = [...compiled.cableIds.keys()].sort((a, b) => {
    const [x, y] = [compiled.cableIds[a]!, compiled.cableIds[b]!];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  compiled.idOrder.set(byId);
  return compiled;
}

/** Per-interval factors of a window: residential, commercial and solar, each hour × month. */
export function intervalFactors(startDate: string, endDate: string) {
  const start = parseTaskDate(startDate);
  const end = parseTaskDate(endDate);
  const step = INTERVAL_MINUTES * 60_000;
  const count = end < start ? 0 : Math.floor((end - start) / step) + 1;
  const residential = new Float64Array(count);
  const commercial = new Float64Array(count);
  const solar = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    const date = new Date(start + t * step);
    const h = date.getUTCHours();
    const m = date.getUTCMonth() + 1;
    residential[t] = HOURLY.residential[h]! * MONTHLY[m]!;
    commercial[t] = HOURLY.commercial[h]! * MONTHLY[m]!;
    solar[t] = SOLAR_HOURLY[h]! * SOLAR_MONTHLY[m]!;
  }
  return { start, step, count, residential, commercial, solar };
}

const ABORT_CHECK_INTERVALS = 4096;

function abortError(signal: AbortSignal): Error {
  const error = new Error(`calculation aborted: ${String(signal.reason)}`);
  error.name = 'AbortError';
  return error;
}

/** Per-cable statistics of a window, in post-order index order: what both result forms are made of. */
type Accumulated = {
  factors: ReturnType<typeof intervalFactors>;
  peak: Float64Array;
  peakIndex: Int32Array;
  overloaded: Int32Array;
  flowSum: Float64Array;
};

/**
 * The cable loads of one substation over a window (DESIGN §5). The hot loop allocates nothing:
 * per interval, one pass over the nodes in post-order computes each subtree's net load and updates
 * its cable's statistics.
 *
 * Summation order (fixed, so that every run of the same task gives the same bits — which is what
 * makes a distributed export byte-identical to the monolith's; both call this function):
 * - a node's own load is `residentialKw × fr + commercialKw × fc − pvKwp × fs`, left to right, with
 *   fr = H_res[h] × M[m], fc = H_com[h] × M[m], fs = S[h] × SM[m] computed once per interval;
 * - a cable's load is (Σ of its children's subtree loads, added in post-order index order, i.e. the
 *   reverse of the builder's breadth-first order, itself fixed by cable id) + the node's own load;
 * - energy is (Σ over intervals of flow, in time order) × 0.25; the summary's energy adds the cables
 *   leaving the substation in post-order index order.
 * The reference implementation adds the same terms in a different order, hence "equal to 1e-9".
 */
function accumulate(
  compiled: CompiledSelection,
  startDate: string,
  endDate: string,
  signal: AbortSignal | undefined,
): Accumulated {
  const { size, residentialKw, commercialKw, pvKwp, parent, capacityKw } = compiled;
  const factors = intervalFactors(startDate, endDate);
  const children = new Float64Array(size); // Σ of the subtree loads of a node's children, this interval
  const peak = new Float64Array(size).fill(-1);
  const peakIndex = new Int32Array(size);
  const overloaded = new Int32Array(size);
  const flowSum = new Float64Array(size);

  for (let t = 0; t < factors.count; t++) {
    if (signal && t % ABORT_CHECK_INTERVALS === 0 && signal.aborted) throw abortError(signal);
    const fr = factors.residential[t]!;
    const fc = factors.commercial[t]!;
    const fs = factors.solar[t]!;
    for (let i = 0; i < size; i++) {
      const load = children[i]! + (residentialKw[i]! * fr + commercialKw[i]! * fc - pvKwp[i]! * fs);
      children[i] = 0;
      const p = parent[i]!;
      if (p >= 0) children[p] = children[p]! + load;
      const flow = load < 0 ? -load : load;
      if (flow > peak[i]!) {
        peak[i] = flow;
        peakIndex[i] = t;
      }
      if (flow > capacityKw[i]!) overloaded[i] = overloaded[i]! + 1;
      flowSum[i] = flowSum[i]! + flow;
    }
  }
  return { factors, peak, peakIndex, overloaded, flowSum };
}

/** The task summary of DESIGN §5, from the per-cable statistics, in post-order index order. */
function summarize(compiled: CompiledSelection, acc: Accumulated): TaskSummary {
  const summary: TaskSummary = {
    cables: compiled.size,
    maxUtilization: 0,
    overloadedCables: 0,
    energyKwh: 0,
  };
  for (let i = 0; i < compiled.size; i++) {
    const peakKw = acc.factors.count === 0 ? 0 : acc.peak[i]!;
    const utilization = peakKw / compiled.capacityKw[i]!;
    if (utilization > summary.maxUtilization) summary.maxUtilization = utilization;
    if (acc.overloaded[i]! > 0) summary.overloadedCables++;
    if (compiled.parent[i] === -1) summary.energyKwh += acc.flowSum[i]! * INTERVAL_HOURS;
  }
  return summary;
}

/** The cable loads of one substation over a window as one row object per cable, in cable id order. */
export function calculateTask(
  compiled: CompiledSelection,
  startDate: string,
  endDate: string,
  options: { signal?: AbortSignal } = {},
): TaskResult {
  const acc = accumulate(compiled, startDate, endDate, options.signal);
  const rows: CableResult[] = [];
  for (const i of compiled.idOrder) {
    const peakKw = acc.factors.count === 0 ? 0 : acc.peak[i]!;
    rows.push({
      cableId: compiled.cableIds[i]!,
      capacityKw: compiled.capacityKw[i]!,
      peakKw,
      peakAt: formatTaskDate(acc.factors.start + acc.peakIndex[i]! * acc.factors.step),
      utilization: peakKw / compiled.capacityKw[i]!,
      overloadedIntervals: acc.overloaded[i]!,
      energyKwh: acc.flowSum[i]! * INTERVAL_HOURS,
    });
  }
  return { rows, summary: summarize(compiled, acc) };
}

/**
 * The same numbers as `calculateTask`, bit for bit, written straight into a result partition's
 * columns (cable id order): no object and no string per row besides the cable ids it shares.
 */
export function calculateTaskPartition(
  compiled: CompiledSelection,
  startDate: string,
  endDate: string,
  options: { signal?: AbortSignal } = {},
): { partition: Partition; summary: TaskSummary } {
  const acc = accumulate(compiled, startDate, endDate, options.signal);
  const partition = allocatePartition({ selection: compiled.selection, startDate, endDate }, compiled.size);
  const startMinute = acc.factors.start / 60_000;
  const order = compiled.idOrder;
  for (let row = 0; row < order.length; row++) {
    const i = order[row]!;
    const peakKw = acc.factors.count === 0 ? 0 : acc.peak[i]!;
    partition.cableIds[row] = compiled.cableIds[i]!;
    partition.capacityKw[row] = compiled.capacityKw[i]!;
    partition.peakKw[row] = peakKw;
    partition.peakAt[row] = startMinute + acc.peakIndex[i]! * INTERVAL_MINUTES;
    partition.utilization[row] = peakKw / compiled.capacityKw[i]!;
    partition.overloadedIntervals[row] = acc.overloaded[i]!;
    partition.energyKwh[row] = acc.flowSum[i]! * INTERVAL_HOURS;
  }
  return { partition, summary: summarize(compiled, acc) };
}
