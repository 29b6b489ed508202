import { buildTopology, formatProblems, selectionsOf } from './build-topology.js';
import { calculateTask, compileSelection } from './kernel.js';
import { planTasks, type Chunk } from './plan.js';
import type { ResultRow } from './results-csv.js';
import type { TopologyJson } from './topology-format.js';

export class MonolithInputError extends Error {
  override name = 'MonolithInputError';
}

export type MonolithSummary = {
  tasks: number;
  cables: number;
  overloadedCables: number;
  maxUtilization: number;
  energyKwh: number;
};

/**
 * The seed's "current situation" in one process: build → plan → a for-loop over the tasks.
 * `onTask` is called after each task (for progress).
 */
export function runMonolith(
  json: TopologyJson,
  request: { from: string; to: string; chunk: Chunk; selections: string[] | null },
  onTask?: (done: number, total: number) => void,
): { rows: ResultRow[]; summary: MonolithSummary } {
  const built = buildTopology(json);
  if (!built.ok) throw new MonolithInputError(`invalid topology:\n${formatProblems(built.problems)}`);
  const all = selectionsOf(built.topology);
  const selections = request.selections ?? all;
  const unknown = selections.filter((s) => !all.includes(s));
  if (unknown.length) throw new MonolithInputError(`unknown selections: ${unknown.join(', ')}`);

  const tasks = planTasks({ selections, start: request.from, end: request.to, chunk: request.chunk });
  const compiled = new Map(selections.map((s) => [s, compileSelection(built.topology, s)]));
  const rows: ResultRow[] = [];
  const summary: MonolithSummary = {
    tasks: tasks.length,
    cables: 0,
    overloadedCables: 0,
    maxUtilization: 0,
    energyKwh: 0,
  };
  tasks.forEach((task, index) => {
    const result = calculateTask(compiled.get(task.selection)!, task.startDate, task.endDate);
    for (const row of result.rows)
      rows.push({ ...row, selection: task.selection, startDate: task.startDate, endDate: task.endDate });
    summary.cables += result.summary.cables;
    summary.overloadedCables += result.summary.overloadedCables;
    summary.maxUtilization = Math.max(summary.maxUtilization, result.summary.maxUtilization);
    summary.energyKwh += result.summary.energyKwh;
    onTask?.(index + 1, tasks.length);
  });
  return { rows, summary };
}
