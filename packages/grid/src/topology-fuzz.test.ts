// Random and hostile input at the topology parser and builder: each answers a TopologyFormatError or a
// list of problems — never another exception, and never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { parseTopology, TopologyFormatError, type TopologyJson } from './topology-format.js';

/** parseTopology, then buildTopology on what parses: the outcome, or the unexpected exception. */
function outcomeOf(json: unknown): 'format-error' | 'problems' | 'built' {
  let topology: TopologyJson;
  try {
    topology = parseTopology(json);
  } catch (error) {
    if (error instanceof TopologyFormatError) return 'format-error';
    throw error;
  }
  return buildTopology(topology).ok ? 'built' : 'problems';
}

// Ids that break code keeping ids as object keys, or comparing them loosely.
const hostileId = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '1',
    '01',
    ' ',
    'a'.repeat(5_000),
  ),
  fc.string({ minLength: 1, maxLength: 4 }),
);
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, Number.MAX_VALUE, Number.MIN_VALUE),
);
const shapedTopology = fc.record({
  version: fc.constant(1),
  substations: fc.array(fc.record({ id: hostileId }), { maxLength: 6 }),
  nodes: fc.array(
    fc.record({
      id: hostileId,
      annualKwh: number,
      profile: fc.constantFrom('residential', 'commercial', 'industrial', '__proto__'),
      pvKwp: number,
    }),
    { maxLength: 20 },
  ),
  cables: fc.array(fc.record({ id: hostileId, from: hostileId, to: hostileId, capacityKw: number }), {
    maxLength: 30,
  }),
});

describe('the topology parser and builder under random input', () => {
  it('answer a format error for any JSON value that is not a topology', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect(['format-error', 'problems', 'built']).toContain(outcomeOf(json));
      }),
      { numRuns: 500 },
    );
  });

  it('answer problems or a topology for any well-shaped input, with hostile ids and numbers', () => {
    fc.assert(
      fc.property(shapedTopology, (json) => {
        const outcome = outcomeOf(json);
        expect(['problems', 'built']).toContain(outcome);
        if (outcome === 'built') {
          // Built: every node belongs to exactly one substation.
          const built = buildTopology(json);
          const placed = built.ok ? built.topology.substations.flatMap((s) => s.nodes.map((n) => n.id)) : [];
          expect(placed.sort()).toEqual(json.nodes.map((n) => n.id).sort());
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answer a format error for wrong types in every field, listing the first problems only', () => {
    const items = Array.from({ length: 10_000 }, () => ({ id: 7 }));
    const error = (() => {
      try {
        parseTopology({ version: 2, substations: items, nodes: items, cables: items });
      } catch (caught) {
        return caught as TopologyFormatError;
      }
    })();
    expect(error).toBeInstanceOf(TopologyFormatError);
    expect(error!.problems.length).toBeGreaterThan(10_000);
    expect(error!.message.split('\n')).toHaveLength(22);
    expect(error!.message).toMatch(/… and \d+ more$/);
  });

  it('check a long chain of cables in an adversarial order without walking it again and again', () => {
    // Cables a1–a2, a2–a3, … link the chain end to end, then a cable from every a_j to a leaf b_j: a
    // union-find that shortens only the path it was asked about walks the whole chain each time.
    const length = 20_000;
    const pad = (i: number) => String(i).padStart(6, '0');
    const chain = Array.from({ length }, (_, i) => `a${pad(i)}`);
    const json: TopologyJson = {
      version: 1,
      substations: [{ id: 'S' }],
      nodes: [...chain, ...chain.map((_, i) => `b${pad(i)}`)].map((id) => ({
        id,
        annualKwh: 1,
        profile: 'residential',
        pvKwp: 0,
      })),
      cables: [
        ...chain.slice(1).map((id, i) => ({ id: `c1-${pad(i)}`, from: chain[i]!, to: id, capacityKw: 1 })),
        { id: 'c2', from: chain.at(-1)!, to: 'S', capacityKw: 1 },
        ...chain.map((id, i) => ({ id: `c3-${pad(i)}`, from: id, to: `b${pad(i)}`, capacityKw: 1 })),
      ],
    };
    const built = buildTopology(json);
    expect(built.ok).toBe(true);
  });
});
