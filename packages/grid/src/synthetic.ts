import type { CableJson, NodeJson, TopologyJson } from './topology-format.js';

export type SyntheticParams = { substations: number; nodes: number; seed: number };

/** mulberry32: a small, fast, seeded PRNG; the same seed gives the same sequence everywhere. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * A radial grid per substation, generated deterministically from its parameters: `nodes` nodes per
 * substation on 3–6 feeders that branch as they go, three households in four residential, one node
 * in four with PV, and cable capacities sized around the load they carry — a few of them too small,
 * so that some cables overload.
 */
export function generateSynthetic(params: SyntheticParams): TopologyJson {
  const random = createRandom(params.seed);
  const between = (low: number, high: number) => low + (high - low) * random();
  const substations = Array.from({ length: params.substations }, (_, i) => ({ id: String(i + 1) }));
  const nodes: NodeJson[] = [];
  const cables: CableJson[] = [];

  for (const substation of substations) {
    const prefix = `s${substation.id}`;
    const feeders = Math.min(params.nodes, 3 + Math.floor(random() * 4));
    const parents: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < params.nodes; i++) {
      // The first nodes start the feeders; later ones hang off a recent node, so feeders grow long and branch.
      const parent = i < feeders ? -1 : Math.max(0, i - 1 - Math.floor(random() * Math.min(i, 12)));
      parents.push(parent);
      const commercial = random() < 0.25;
      const annualKwh = round(commercial ? between(15_000, 90_000) : between(1_800, 6_500), 1);
      const pvKwp = random() < 0.25 ? round(between(2, commercial ? 60 : 9), 1) : 0;
      nodes.push({
        id: `${prefix}-n${i + 1}`,
        annualKwh,
        profile: commercial ? 'commercial' : 'residential',
        pvKwp,
      });
      own.push((annualKwh / 8760) * (commercial ? 1.8 : 1.9) * 1.3);
    }
    // The load each cable carries at the evening peak (kW), summed from the leaves up.
    const carried = [...own];
    for (let i = params.nodes - 1; i >= 0; i--) {
      const parent = parents[i]!;
      if (parent >= 0) carried[parent]! += carried[i]!;
    }
    for (let i = 0; i < params.nodes; i++) {
      const headroom = random() < 0.06 ? between(0.55, 0.95) : between(1.1, 2.2);
      const parent = parents[i]!;
      cables.push({
        id: `${prefix}-c${i + 1}`,
        from: parent < 0 ? substation.id : `${prefix}-n${parent + 1}`,
        to: `${prefix}-n${i + 1}`,
        capacityKw: Math.max(1, round(carried[i]! * headroom, 1)),
      });
    }
  }
  return { version: 1, substations, nodes, cables };
}
