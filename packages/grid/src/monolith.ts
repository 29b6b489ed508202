import { buildTopology, formatProblems, selectionsOf, type TopologyProblem } from './build-topology.js';
import { calculateTask, compileSelection } from './kernel.js';
import { planTasks, type Chunk } from './plan.js';
import { resultRowsOf, type ResultRow } from './results-csv.js';
import type { TopologyJson } from './topology-format.js';

/**
 * The monolith cannot start: the topology is invalid (`problems` lists every rule that fails) or
 * the request names selections the topology does not have (`unknownSelections`).
 */
export class MonolithInputError extends Error {
  override name = 'MonolithInputError';
  constructor(
    message: string,
    readonly details:
      | { kind: 'invalid-topology'; problems: TopologyProblem[] }
      | { kind: 'unknown-selections'; unknownSelections: string[] },
  ) {
    super(message);
  }
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
  if (!built.ok) {
    throw new MonolithInputError(`invalid topology:\n${formatProblems(built.problems)}`, {
      kind: 'invalid-topology',
      problems: built.problems,
    });
  }
  const all = selectionsOf(built.topology);
  const known = new Set(all);
  const selections = request.selections ?? all;
  const unknown = [...new Set(selections.filter((s) => !known.has(s)))];
  if (unknown.length) {
    throw new MonolithInputError(
      `unknown selections: ${unknown.join(', ')} (the topology has ${all.length}: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', …' : ''})`,
      { kind: 'unknown-selections', unknownSelections: unknown },
    );
  }

  const tasks = planTasks({ selections, start: request.from, end: request.to, chunk: request.chunk });
  const compiled = new Map(
    [...new Set(selections)].map((s) => [s, compileSelection(built.topology, s)] as const),
  );
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
    rows.push(...resultRowsOf(result.rows, task));
    summary.cables += result.summary.cables;
    summary.overloadedCables += result.summary.overloadedCables;
    summary.maxUtilization = Math.max(summary.maxUtilization, result.summary.maxUtilization);
    summary.energyKwh += result.summary.energyKwh;
    onTask?.(index + 1, tasks.length);
  });
  return { rows, summary };
}
