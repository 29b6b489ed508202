import { describe, expect, it } from 'vitest';
import { buildTopology, formatProblems, selectionsOf } from './build-topology.js';
import { TopologyFormatError, parseTopology, type TopologyJson } from './topology-format.js';

const node = (id: string, extra: Partial<TopologyJson['nodes'][number]> = {}) => ({
  id,
  annualKwh: 3000,
  profile: 'residential',
  pvKwp: 0,
  ...extra,
});
const cable = (id: string, from: string, to: string, capacityKw = 10) => ({ id, from, to, capacityKw });

function valid(): TopologyJson {
  return {
    version: 1,
    substations: [{ id: 'A' }, { id: 'B' }],
    nodes: [node('a1'), node('a2'), node('b1')],
    cables: [cable('ca1', 'A', 'a1'), cable('ca2', 'a2', 'a1'), cable('cb1', 'B', 'b1')],
  };
}

/** The problems of an invalid topology; each one's message must name every id it lists. */
function problemsOf(json: TopologyJson) {
  const result = buildTopology(json);
  if (result.ok) throw new Error('expected the topology to be invalid');
  for (const problem of result.problems) {
    expect(problem.ids.length).toBeGreaterThan(0);
    for (const id of problem.ids) expect(problem.message).toContain(id);
  }
  return result.problems;
}

describe('buildTopology', () => {
  it('orients every cable away from its substation', () => {
    const result = buildTopology(valid());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const a = result.topology.substations.find((s) => s.id === 'A')!;
    // ca2 is written a2 → a1 in the file; it is fed from a1, so a2 hangs below a1.
    expect(a.nodes.map((n) => [n.id, n.parent, n.cable.id])).toEqual([
      ['a1', null, 'ca1'],
      ['a2', 'a1', 'ca2'],
    ]);
    expect(selectionsOf(result.topology)).toEqual(['A', 'B']);
  });

  it('rejects ids used twice, across substations, nodes and cables', () => {
    const json = valid();
    json.nodes.push(node('A'));
    json.cables.push(cable('a1', 'a1', 'A'));
    const [problem] = problemsOf(json).filter((p) => p.rule === 'unique-ids');
    expect(problem?.ids.sort()).toEqual(['A', 'a1']);
  });

  it('rejects a cable whose end does not exist', () => {
    const json = valid();
    json.cables.push(cable('c-ghost', 'a1', 'ghost'));
    expect(problemsOf(json)).toContainEqual(
      expect.objectContaining({ rule: 'cable-ends', ids: ['c-ghost'] }),
    );
    expect(formatProblems(problemsOf(json))).toContain('c-ghost→ghost');
  });

  it('rejects non-positive capacities', () => {
    const json = valid();
    json.cables[0]!.capacityKw = 0;
    json.cables[2]!.capacityKw = -3;
    expect(problemsOf(json)).toContainEqual(
      expect.objectContaining({ rule: 'positive-capacity', ids: ['ca1', 'cb1'] }),
    );
  });

  it('rejects an unknown profile', () => {
    const json = valid();
    json.nodes[1]!.profile = 'industrial';
    expect(problemsOf(json)).toContainEqual(expect.objectContaining({ rule: 'known-profile', ids: ['a2'] }));
  });

  it('rejects negative annualKwh or pvKwp', () => {
    const json = valid();
    json.nodes[0]!.annualKwh = -1;
    json.nodes[2]!.pvKwp = -0.5;
    expect(problemsOf(json)).toContainEqual(
      expect.objectContaining({ rule: 'non-negative-load', ids: ['a1', 'b1'] }),
    );
  });

  it('rejects nodes no substation reaches', () => {
    const json = valid();
    json.nodes.push(node('island1'), node('island2'));
    json.cables.push(cable('c-island', 'island1', 'island2'));
    expect(problemsOf(json)).toContainEqual(
      expect.objectContaining({ rule: 'reachable', ids: ['island1', 'island2'] }),
    );
  });

  it('rejects nodes reached from two substations', () => {
    const json = valid();
    json.cables.push(cable('c-tie', 'b1', 'a2'));
    const problem = problemsOf(json).find((p) => p.rule === 'single-substation');
    expect(problem?.ids).toEqual(expect.arrayContaining(['A', 'B']));
  });

  it('rejects loops', () => {
    const json = valid();
    json.nodes.push(node('a3'));
    json.cables.push(cable('ca3', 'a1', 'a3'), cable('ca4', 'a3', 'a2'));
    expect(problemsOf(json)).toContainEqual(expect.objectContaining({ rule: 'no-cycles', ids: ['ca4'] }));
  });

  it('rejects a loop on an island no substation reaches, and a cable from a node to itself', () => {
    const json = valid();
    json.nodes.push(node('i1'), node('i2'));
    json.cables.push(cable('ci1', 'i1', 'i2'), cable('ci2', 'i2', 'i1'), cable('cself', 'a2', 'a2'));
    const problems = problemsOf(json);
    expect(problems).toContainEqual(expect.objectContaining({ rule: 'no-cycles', ids: ['ci2', 'cself'] }));
    expect(problems).toContainEqual(expect.objectContaining({ rule: 'reachable', ids: ['i1', 'i2'] }));
  });

  it('reports every failing rule at once', () => {
    const json = valid();
    json.nodes[0]!.profile = 'x';
    json.cables[2]!.capacityKw = 0;
    json.nodes.push(node('lost'), node('A'));
    json.cables.push(cable('c-ghost', 'b1', 'ghost'), cable('c-loop', 'a2', 'A'));
    json.nodes[2]!.pvKwp = -1;
    const problems = problemsOf(json);
    expect(problems.map((p) => p.rule).sort()).toEqual([
      'cable-ends',
      'known-profile',
      'no-cycles',
      'non-negative-load',
      'positive-capacity',
      'reachable',
      'unique-ids',
    ]);
    expect(formatProblems(problems).split('\n')).toHaveLength(problems.length);
  });
});

describe('parseTopology', () => {
  it('names every field with the wrong shape', () => {
    const parse = () =>
      parseTopology({
        version: 2,
        substations: [{}],
        nodes: [{ id: 'n', annualKwh: 'many' }],
        cables: 'none',
      });
    expect(parse).toThrow(TopologyFormatError);
    expect(parse).toThrow(/version: expected 1/);
    expect(parse).toThrow(/substations\[0\]\.id/);
    expect(parse).toThrow(/nodes\[0\]\.annualKwh/);
    expect(parse).toThrow(/cables: expected an array/);
  });
});
