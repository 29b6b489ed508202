import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { calculateTaskPartition, compileSelection } from './kernel.js';
import { rowsOfPartition } from './partition.js';
import { partitionStats, rankOverloads, summarizePartitions, type PartitionHead } from './partition-stats.js';
import { planTasks } from './plan.js';
import { generateSynthetic } from './synthetic.js';

const built = buildTopology(generateSynthetic({ substations: 6, nodes: 80, seed: 7 }));
if (!built.ok) throw new Error('invalid synthetic topology');
const topology = built.topology;
const tasks = planTasks({
  selections: topology.substations.map((s) => s.id),
  start: '2023-01-01 00:00',
  end: '2023-03-31 23:59',
  chunk: 'month',
});
const computed = tasks.map((task) => {
  const { partition, summary } = calculateTaskPartition(
    compileSelection(topology, task.selection),
    task.startDate,
    task.endDate,
  );
  const head: PartitionHead = {
    ...task,
    rowCount: partition.cableIds.length,
    stats: JSON.parse(JSON.stringify(partitionStats(partition, summary))),
  };
  return { head, rows: rowsOfPartition(partition), summary };
});
const rows = computed.flatMap((c) => c.rows);
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('partition stats', () => {
  it('give the run summary that the rows give (as the SQL over rows did), through JSON', () => {
    expect(rows.some((row) => row.overloadedIntervals > 0)).toBe(true);
    expect(summarizePartitions(computed.map((c) => c.head))).toEqual({
      rows: rows.length,
      cables: new Set(rows.map((row) => row.cableId)).size,
      overloadedCables: new Set(rows.filter((row) => row.overloadedIntervals > 0).map((row) => row.cableId))
        .size,
      maxUtilization: Math.max(...rows.map((row) => row.utilization)),
      energyKwh: computed.reduce((sum, c) => sum + c.summary.energyKwh, 0),
    });
    expect(summarizePartitions([])).toEqual({
      rows: 0,
      cables: 0,
      overloadedCables: 0,
      maxUtilization: null,
      energyKwh: null,
    });
  });

  it('rank every overloaded cable of every task by utilization, with its selection, window and peak', () => {
    const expected = rows
      .filter((row) => row.overloadedIntervals > 0)
      .sort(
        (a, b) =>
          b.utilization - a.utilization ||
          text(a.selection, b.selection) ||
          text(a.startDate, b.startDate) ||
          text(a.cableId, b.cableId),
      )
      .map(({ energyKwh: _, ...row }) => row);
    const ranked = rankOverloads(computed.map((c) => c.head));
    expect(ranked).toHaveLength(expected.length);
    expect(ranked.map((entry) => ({ ...entry }))).toEqual(expected);
  });
});
