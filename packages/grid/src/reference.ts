import type { BuiltTopology } from './build-topology.js';
import { formatTaskDate, parseTaskDate } from './dates.js';
import { INTERVAL_HOURS, INTERVAL_MINUTES, netLoadKw } from './load-model.js';
import type { TaskResult } from './kernel.js';

/**
 * The straightforward implementation: one object per node, each cable's load summed recursively over
 * its subtree at every interval. The oracle of the fast kernel's tests and its benchmark baseline.
 * `onInterval` receives, per interval, every node's own net load and every cable's load (kW).
 */
export function calculateTaskReference(
  topology: BuiltTopology,
  selection: string,
  startDate: string,
  endDate: string,
  onInterval?: (at: string, netLoad: Map<string, number>, cableLoad: Map<string, number>) => void,
): TaskResult {
  const substation = topology.substations.find((s) => s.id === selection);
  if (!substation) throw new Error(`no substation "${selection}" in the topology`);
  const children = new Map<string | null, typeof substation.nodes>();
  for (const node of substation.nodes)
    children.set(node.parent, [...(children.get(node.parent) ?? []), node]);
  const stats = new Map(
    substation.nodes.map((n) => [
      n.cable.id,
      {
        peakKw: -1,
        peakAt: '',
        overloadedIntervals: 0,
        flowSum: 0,
        capacityKw: n.cable.capacityKw,
        root: n.parent === null,
      },
    ]),
  );

  const start = parseTaskDate(startDate);
  const end = parseTaskDate(endDate);
  for (let ms = start; ms <= end; ms += INTERVAL_MINUTES * 60_000) {
    const date = new Date(ms);
    const netLoad = new Map(
      substation.nodes.map((n) => [n.id, netLoadKw(n, date.getUTCHours(), date.getUTCMonth() + 1)]),
    );
    const cableLoad = new Map<string, number>();
    const subtree = (node: (typeof substation.nodes)[number]): number => {
      const load =
        (children.get(node.id) ?? []).reduce((sum, child) => sum + subtree(child), 0) + netLoad.get(node.id)!;
      cableLoad.set(node.cable.id, load);
      return load;
    };
    for (const root of children.get(null) ?? []) subtree(root);
    for (const [cableId, load] of cableLoad) {
      const s = stats.get(cableId)!;
      const flow = Math.abs(load);
      if (flow > s.peakKw) Object.assign(s, { peakKw: flow, peakAt: formatTaskDate(ms) });
      if (flow > s.capacityKw) s.overloadedIntervals++;
      s.flowSum += flow;
    }
    onInterval?.(formatTaskDate(ms), netLoad, cableLoad);
  }

  const rows = [...stats.entries()]
    .map(([cableId, s]) => ({
      cableId,
      capacityKw: s.capacityKw,
      peakKw: s.peakKw,
      peakAt: s.peakAt,
      utilization: s.peakKw / s.capacityKw,
      overloadedIntervals: s.overloadedIntervals,
      energyKwh: s.flowSum * INTERVAL_HOURS,
    }))
    .sort((a, b) => (a.cableId < b.cableId ? -1 : a.cableId > b.cableId ? 1 : 0));
  const summary = {
    cables: rows.length,
    maxUtilization: Math.max(0, ...rows.map((r) => r.utilization)),
    overloadedCables: rows.filter((r) => r.overloadedIntervals > 0).length,
    energyKwh: [...stats.entries()]
      .filter(([, s]) => s.root)
      .reduce((sum, [, s]) => sum + s.flowSum * INTERVAL_HOURS, 0),
  };
  return { rows, summary };
}
