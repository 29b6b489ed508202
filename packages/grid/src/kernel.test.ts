import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTopology, type BuiltTopology } from './build-topology.js';
import { calculateTask, compileSelection } from './kernel.js';
import { netLoadKw } from './load-model.js';
import { calculateTaskReference } from './reference.js';
import type { TopologyJson } from './topology-format.js';

function build(json: TopologyJson): BuiltTopology {
  const result = buildTopology(json);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.topology;
}

/*
 * Substation S feeds n1 through c1; n1 feeds n2 (c2) and n3 (c3).
 *   n1 residential, 8760 kWh/year  → 1 kW × H × M
 *   n2 commercial, 17520 kWh/year, 5 kWp PV → 2 kW × H × M − 5 × S × SM
 *   n3 residential, 4380 kWh/year  → 0.5 kW × H × M
 * January 1st, 00:00 and 00:15 (h = 0, m = 1: H_res 0.6, H_com 0.4, M 1.3, S 0):
 *   n1 = 0.78, n2 = 2 × 0.52 = 1.04, n3 = 0.39 → c2 = 1.04, c3 = 0.39, c1 = 0.78 + 1.04 + 0.39 = 2.21
 *   c1 (capacity 2): peak 2.21, utilization 1.105, 2 overloaded intervals, energy 2 × 2.21 × 0.25 = 1.105
 *   c2 (capacity 5): peak 1.04, utilization 0.208, energy 0.52
 *   c3 (capacity 0.3): peak 0.39, utilization 1.3, 2 overloaded intervals, energy 0.195
 * June 1st, 12:00 (h = 12, m = 6: H_res 0.9, H_com 1.7, M 0.8, S 0.8, SM 1.05):
 *   n1 = 0.72, n2 = 2 × 1.36 − 5 × 0.84 = −1.48, n3 = 0.36 → c2 = −1.48 (flow 1.48), c3 = 0.36,
 *   c1 = 0.72 − 1.48 + 0.36 = −0.4 (flow 0.4: the PV feeds back towards the substation)
 */
const threeNodes: TopologyJson = {
  version: 1,
  substations: [{ id: 'S' }],
  nodes: [
    { id: 'n1', annualKwh: 8760, profile: 'residential', pvKwp: 0 },
    { id: 'n2', annualKwh: 17520, profile: 'commercial', pvKwp: 5 },
    { id: 'n3', annualKwh: 4380, profile: 'residential', pvKwp: 0 },
  ],
  cables: [
    { id: 'c1', from: 'S', to: 'n1', capacityKw: 2 },
    { id: 'c2', from: 'n1', to: 'n2', capacityKw: 5 },
    { id: 'c3', from: 'n3', to: 'n1', capacityKw: 0.3 },
  ],
};

describe('calculateTask on a hand-computed example', () => {
  const compiled = compileSelection(build(threeNodes), 'S');

  it('computes every column of every cable on a winter night', () => {
    const { rows, summary } = calculateTask(compiled, '2023-01-01 00:00', '2023-01-01 00:15');
    const [c1, c2, c3] = rows;
    expect(rows.map((r) => r.cableId)).toEqual(['c1', 'c2', 'c3']);
    expect(c1!.peakKw).toBeCloseTo(2.21, 12);
    expect(c1!.peakAt).toBe('2023-01-01 00:00');
    expect(c1!.utilization).toBeCloseTo(1.105, 12);
    expect(c1!.overloadedIntervals).toBe(2);
    expect(c1!.energyKwh).toBeCloseTo(1.105, 12);
    expect(c2!.peakKw).toBeCloseTo(1.04, 12);
    expect(c2!.utilization).toBeCloseTo(0.208, 12);
    expect(c2!.overloadedIntervals).toBe(0);
    expect(c2!.energyKwh).toBeCloseTo(0.52, 12);
    expect(c3!.peakKw).toBeCloseTo(0.39, 12);
    expect(c3!.utilization).toBeCloseTo(1.3, 12);
    expect(c3!.overloadedIntervals).toBe(2);
    expect(c3!.energyKwh).toBeCloseTo(0.195, 12);
    expect(summary.cables).toBe(3);
    expect(summary.maxUtilization).toBeCloseTo(1.3, 12);
    expect(summary.overloadedCables).toBe(2);
    expect(summary.energyKwh).toBeCloseTo(1.105, 12);
  });

  it('takes the absolute value when PV feeds back at noon in June', () => {
    const { rows } = calculateTask(compiled, '2023-06-01 12:00', '2023-06-01 12:00');
    expect(rows[0]!.peakKw).toBeCloseTo(0.4, 12);
    expect(rows[1]!.peakKw).toBeCloseTo(1.48, 12);
    expect(rows[2]!.peakKw).toBeCloseTo(0.36, 12);
    expect(rows[0]!.energyKwh).toBeCloseTo(0.1, 12);
  });

  it('stops when its signal is aborted', () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    expect(() =>
      calculateTask(compiled, '2023-01-01 00:00', '2023-01-31 23:59', { signal: controller.signal }),
    ).toThrow(expect.objectContaining({ name: 'AbortError', message: expect.stringMatching(/aborted/) }));
  });
});

/** Random valid radial topologies: each node hangs off the substation or an earlier node. */
const radialTopology = fc
  .array(
    fc.record({
      parent: fc.nat(),
      annualKwh: fc.integer({ min: 0, max: 100_000 }),
      commercial: fc.boolean(),
      pvKwp: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })),
      capacityKw: fc.integer({ min: 1, max: 200 }),
      reversed: fc.boolean(),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((specs): TopologyJson => ({
    version: 1,
    substations: [{ id: 'S' }],
    nodes: specs.map((s, i) => ({
      id: `n${i}`,
      annualKwh: s.annualKwh,
      profile: s.commercial ? 'commercial' : 'residential',
      pvKwp: s.pvKwp,
    })),
    cables: specs.map((s, i) => {
      const parent = i === 0 ? 'S' : s.parent % (i + 1) === i ? 'S' : `n${s.parent % (i + 1)}`;
      const [from, to] = s.reversed ? [`n${i}`, parent] : [parent, `n${i}`];
      return { id: `c${i}`, from, to, capacityKw: s.capacityKw };
    }),
  }));

const windows = fc.constantFrom(
  ['2023-01-01 00:00', '2023-01-01 23:45'],
  ['2023-06-15 06:00', '2023-06-16 18:00'],
  ['2024-02-29 10:00', '2024-03-01 02:00'],
);

/** Each cable's signed load at one instant, from first principles: Σ net load of every node beyond it. */
function downstreamLoads(json: TopologyJson, at: Date): Map<string, number> {
  const hour = at.getUTCHours();
  const month = at.getUTCMonth() + 1;
  const net = new Map(
    json.nodes.map((n) => [n.id, netLoadKw(n as Parameters<typeof netLoadKw>[0], hour, month)]),
  );
  const neighbours = new Map<string, { cable: string; other: string }[]>();
  for (const c of json.cables) {
    neighbours.set(c.from, [...(neighbours.get(c.from) ?? []), { cable: c.id, other: c.to }]);
    neighbours.set(c.to, [...(neighbours.get(c.to) ?? []), { cable: c.id, other: c.from }]);
  }
  const loads = new Map<string, number>();
  const visit = (id: string, via: string | null): number => {
    let sum = net.get(id) ?? 0;
    for (const { cable, other } of neighbours.get(id) ?? []) if (cable !== via) sum += visit(other, cable);
    if (via) loads.set(via, sum);
    return sum;
  };
  visit('S', null);
  return loads;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe('properties over random radial topologies', () => {
  it('a cable carries its own node plus everything beyond it, at every interval', () => {
    fc.assert(
      fc.property(radialTopology, fc.integer({ min: 0, max: 35_039 }), (json, quarter) => {
        const at = new Date(Date.UTC(2023, 0, 1) + quarter * 15 * 60_000);
        const date = at.toISOString().slice(0, 16).replace('T', ' ');
        const { rows } = calculateTask(compileSelection(build(json), 'S'), date, date);
        const expected = downstreamLoads(json, at);
        return rows.every((row) => close(row.peakKw, Math.abs(expected.get(row.cableId)!)));
      }),
    );
  });

  it("a cable's load is its node's own net load plus its child cables' loads, at every interval", () => {
    fc.assert(
      fc.property(radialTopology, windows, (json, [from, to]) => {
        const built = build(json);
        const nodes = built.substations[0]!.nodes;
        let intervals = 0;
        calculateTaskReference(built, 'S', from, to, (_at, netLoad, cableLoad) => {
          intervals++;
          for (const node of nodes) {
            const childLoads = nodes
              .filter((child) => child.parent === node.id)
              .reduce((sum, child) => sum + cableLoad.get(child.cable.id)!, 0);
            expect(close(cableLoad.get(node.cable.id)!, netLoad.get(node.id)! + childLoads)).toBe(true);
          }
        });
        expect(intervals).toBeGreaterThan(0);
      }),
      { numRuns: 50 },
    );
  });

  it("the substation's outgoing cables carry the total net load", () => {
    fc.assert(
      fc.property(radialTopology, windows, (json, [from, to]) => {
        const built = build(json);
        let ok = true;
        calculateTaskReference(built, 'S', from, to, (_at, netLoad, cableLoad) => {
          const total = [...netLoad.values()].reduce((a, b) => a + b, 0);
          const roots = built.substations[0]!.nodes.filter((n) => n.parent === null);
          const out = roots.reduce((sum, n) => sum + cableLoad.get(n.cable.id)!, 0);
          ok &&= close(out, total);
        });
        return ok;
      }),
    );
  });

  it('does not depend on the order of nodes and cables in the file', () => {
    fc.assert(
      fc.property(radialTopology, windows, fc.integer(), (json, [from, to], seed) => {
        const shuffle = <T>(items: T[]) =>
          items
            .map((item, i) => ({ item, key: Math.sin(seed + i * 7919) }))
            .sort((a, b) => a.key - b.key)
            .map((e) => e.item);
        const shuffled = { ...json, nodes: shuffle(json.nodes), cables: shuffle(json.cables) };
        const a = calculateTask(compileSelection(build(json), 'S'), from, to);
        const b = calculateTask(compileSelection(build(shuffled), 'S'), from, to);
        expect(b).toEqual(a);
      }),
      { numRuns: 50 },
    );
  });

  it('the fast kernel equals the reference implementation to 1e-9', () => {
    fc.assert(
      fc.property(radialTopology, windows, (json, [from, to]) => {
        const built = build(json);
        const fast = calculateTask(compileSelection(built, 'S'), from, to);
        const slow = calculateTaskReference(built, 'S', from, to);
        expect(fast.rows).toHaveLength(slow.rows.length);
        fast.rows.forEach((row, i) => {
          const ref = slow.rows[i]!;
          expect(row.cableId).toBe(ref.cableId);
          expect(row.peakAt).toBe(ref.peakAt);
          expect(row.overloadedIntervals).toBe(ref.overloadedIntervals);
          for (const key of ['peakKw', 'utilization', 'energyKwh'] as const)
            expect(close(row[key], ref[key])).toBe(true);
        });
        expect(close(fast.summary.energyKwh, slow.summary.energyKwh)).toBe(true);
        expect(close(fast.summary.maxUtilization, slow.summary.maxUtilization)).toBe(true);
        expect(fast.summary.overloadedCables).toBe(slow.summary.overloadedCables);
      }),
      { numRuns: 60 },
    );
  });
});
