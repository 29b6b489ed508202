import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { selectionHashes } from './selection-hash.js';
import { generateSynthetic } from './synthetic.js';
import type { TopologyJson } from './topology-format.js';

function hashesOf(json: TopologyJson): Record<string, string> {
  const built = buildTopology(json);
  if (!built.ok) throw new Error('invalid topology');
  return selectionHashes(built.topology);
}

/** The substation a cable belongs to: the one its built network holds it in. */
function substationOfCable(json: TopologyJson, cableId: string): string {
  const built = buildTopology(json);
  if (!built.ok) throw new Error('invalid topology');
  return built.topology.substations.find((s) => s.nodes.some((n) => n.cable.id === cableId))!.id;
}

describe('selectionHashes', () => {
  const json = generateSynthetic({ substations: 4, nodes: 30, seed: 3 });
  const before = hashesOf(json);

  it('gives every selection its own hash', () => {
    expect(Object.keys(before).sort()).toEqual(['1', '2', '3', '4']);
    expect(new Set(Object.values(before)).size).toBe(4);
  });

  it('changes for the substation whose cable capacity changed, and for no other', () => {
    const cable = json.cables[40]!;
    const changed = {
      ...json,
      cables: json.cables.map((c) => (c.id === cable.id ? { ...c, capacityKw: c.capacityKw + 1 } : c)),
    };
    const owner = substationOfCable(json, cable.id);
    const after = hashesOf(changed);
    for (const selection of Object.keys(before)) {
      if (selection === owner) expect(after[selection]).not.toBe(before[selection]);
      else expect(after[selection]).toBe(before[selection]);
    }
  });

  it("changes for the substation whose node's load changed, and for no other", () => {
    const node = json.nodes[70]!;
    const changed = {
      ...json,
      nodes: json.nodes.map((n) => (n.id === node.id ? { ...n, annualKwh: n.annualKwh + 10 } : n)),
    };
    const after = hashesOf(changed);
    const differing = Object.keys(before).filter((s) => after[s] !== before[s]);
    expect(differing).toHaveLength(1);
  });

  it('does not depend on the order of the file', () => {
    const reordered = { ...json, nodes: [...json.nodes].reverse(), cables: [...json.cables].reverse() };
    expect(hashesOf(reordered)).toEqual(before);
  });
});
