import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { diffPartitions, pairCells, type CellHead } from './compare-partitions.js';
import { calculateTaskPartition, compileSelection } from './kernel.js';
import type { Partition } from './partition.js';
import { partitionStats } from './partition-stats.js';
import { planTasks } from './plan.js';
import { createComparison } from './run-comparison.js';
import { generateSynthetic } from './synthetic.js';
import type { TopologyJson } from './topology-format.js';

const json = generateSynthetic({ substations: 4, nodes: 60, seed: 11 });

function computeRun(topologyJson: TopologyJson, run: string) {
  const built = buildTopology(topologyJson);
  if (!built.ok) throw new Error('invalid synthetic topology');
  const topology = built.topology;
  const tasks = planTasks({
    selections: topology.substations.map((s) => s.id),
    start: '2023-01-01 00:00',
    end: '2023-02-28 23:59',
    chunk: 'month',
  });
  const partitions = new Map<string, Partition>();
  const heads = tasks.map((task, i): CellHead => {
    const { partition, summary } = calculateTaskPartition(
      compileSelection(topology, task.selection),
      task.startDate,
      task.endDate,
    );
    const taskId = `${run}-${i}`;
    partitions.set(taskId, partition);
    return {
      ...task,
      taskId,
      rowCount: partition.cableIds.length,
      stats: JSON.parse(JSON.stringify(partitionStats(partition, summary))),
    };
  });
  return { heads, partitions };
}

/** Runs the whole comparison as compareRuns does: pair by stats, decode only differing cells. */
function compare(a: ReturnType<typeof computeRun>, b: ReturnType<typeof computeRun>, limit = 1_000) {
  const pairs = pairCells(a.heads, b.heads);
  const builder = createComparison(pairs, { after: 0, limit });
  for (const pair of pairs.differing)
    builder.add(diffPartitions(a.partitions.get(pair.a.taskId)!, b.partitions.get(pair.b.taskId)!));
  return { pairs, comparison: builder.finish() };
}

describe('comparing two runs', () => {
  const runA = computeRun(json, 'a');

  it('finds nothing between two runs of the same topology, and decodes no cell', () => {
    const { pairs, comparison } = compare(runA, computeRun(json, 'b'));
    expect(pairs.differing).toEqual([]);
    expect(comparison).toMatchObject({
      cellsCompared: 8,
      cellsUnchanged: 8,
      cellsChanged: 0,
      changeCount: 0,
    });
  });

  it('reports exactly the cable whose capacity changed, in each window piece of its selection', () => {
    const cable = json.cables[5]!;
    const changed = {
      ...json,
      cables: json.cables.map((c) => (c === cable ? { ...c, capacityKw: c.capacityKw / 4 } : c)),
    };
    const { pairs, comparison } = compare(runA, computeRun(changed, 'b'));
    const selection = pairs.differing[0]!.a.selection;
    expect(pairs.differing.map((p) => [p.a.selection, p.a.startDate])).toEqual([
      [selection, '2023-01-01 00:00'],
      [selection, '2023-02-01 00:00'],
    ]);
    expect(comparison.changes.map((c) => [c.selection, c.startDate, c.elementId])).toEqual([
      [selection, '2023-01-01 00:00', cable.id],
      [selection, '2023-02-01 00:00', cable.id],
    ]);
    for (const change of comparison.changes) {
      expect(change.b!.capacityKw).toBe(change.a!.capacityKw / 4);
      expect(change.peakKwChange).toBe(0);
      expect(change.utilizationChange).toBeCloseTo(change.a!.utilization * 3);
    }
    expect(comparison).toMatchObject({
      cellsCompared: 8,
      cellsChanged: 2,
      cellsUnchanged: 6,
      changeCount: 2,
    });
    expect(comparison.largestChanges).toHaveLength(2);
    const overloaded = comparison.changes.some(
      (c) => c.a!.overloadedIntervals === 0 && c.b!.overloadedIntervals > 0,
    );
    expect(comparison.newlyOverloaded).toEqual(overloaded ? [cable.id] : []);
  });

  it('compares runs over different topologies on the cells and elements they share', () => {
    // B lacks substation 1 and the last node of the last substation (a leaf) with its cable.
    const lastNode = json.nodes.at(-1)!.id;
    const lastCable = json.cables.at(-1)!;
    const fewer = {
      ...json,
      substations: json.substations.slice(1),
      nodes: json.nodes.filter((n) => !n.id.startsWith('s1-') && n.id !== lastNode),
      cables: json.cables.filter((c) => !c.id.startsWith('s1-') && c !== lastCable),
    };
    const { comparison } = compare(runA, computeRun(fewer, 'b'));
    expect(comparison.onlyInACount).toBe(2);
    expect(comparison.onlyInA.map((cell) => cell.selection)).toEqual(['1', '1']);
    expect(comparison.onlyInBCount).toBe(0);
    const lastSelection = json.substations.at(-1)!.id;
    expect(new Set(comparison.changes.map((c) => c.selection))).toEqual(new Set([lastSelection]));
    expect(comparison.changes.filter((c) => c.b === null).map((c) => c.elementId)).toEqual([
      lastCable.id,
      lastCable.id,
    ]);
  });

  it('pages the changes and treats partitions without a digest as differing', () => {
    const withoutDigest = runA.heads.map((head) => ({
      ...head,
      stats: { ...head.stats, digest: undefined },
    }));
    const pairs = pairCells(runA.heads, withoutDigest);
    expect(pairs.differing).toHaveLength(8);
    const a = runA.partitions.get('a-0')!;
    const b = { ...a, cableIds: a.cableIds.slice(1), peakKw: a.peakKw.map((kw) => kw + 1).subarray(1) };
    const changes = diffPartitions(a, {
      ...b,
      capacityKw: a.capacityKw.subarray(1),
      peakAt: a.peakAt.subarray(1),
      utilization: a.utilization.subarray(1),
      overloadedIntervals: a.overloadedIntervals.subarray(1),
      energyKwh: a.energyKwh.subarray(1),
    });
    expect(changes[0]).toMatchObject({ elementId: a.cableIds[0], b: null, peakKwChange: null });
    for (const c of changes.slice(1)) expect(c.peakKwChange).toBeCloseTo(1);
    const builder = createComparison(
      pairCells([runA.heads[0]!], [{ ...runA.heads[0]!, stats: { ...runA.heads[0]!.stats, digest: 'x' } }]),
      { after: 1, limit: 2 },
    );
    builder.add(changes);
    const page = builder.finish();
    expect(page.changeCount).toBe(changes.length);
    expect(page.changes).toEqual(changes.slice(1, 3));
  });
});
