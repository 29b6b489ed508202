import {
  buildTopology,
  calculateTaskPartition,
  compileSelection,
  encodeTaskResult,
  formatProblems,
  InvalidPartitionError,
  parseTopology,
} from '@conveyor/grid';
import { PermanentError } from '@conveyor/messages';
import type { Calculation } from './calculation.js';

type Compiled = ReturnType<typeof compileSelection>;

/**
 * The reference calculation (DESIGN §5): the cable loads of one substation over the task's window.
 * Compiled selections are kept per topology so that a worker builds each topology once.
 */
export function createGridLoad(): Calculation {
  const compiled = new WeakMap<object, Map<string, Compiled>>();
  const built = new WeakMap<object, ReturnType<typeof buildTopology>>();

  const compiledSelection = (json: object, selection: string): Compiled => {
    let result = built.get(json);
    if (!result) {
      result = buildTopology(parseTopology(json));
      built.set(json, result);
    }
    if (!result.ok)
      throw new PermanentError(`stored topology is invalid: ${formatProblems(result.problems)}`);
    let bySelection = compiled.get(json);
    if (!bySelection) {
      bySelection = new Map();
      compiled.set(json, bySelection);
    }
    let entry = bySelection.get(selection);
    if (!entry) {
      if (!result.topology.substations.some((s) => s.id === selection)) {
        throw new PermanentError(`selection ${selection} is not a substation of the topology`);
      }
      entry = compileSelection(result.topology, selection);
      bySelection.set(selection, entry);
    }
    return entry;
  };

  return {
    name: 'grid-load',
    run: async (task, context) => {
      const json = (await context.loadTopology(task.topology_id)) as object;
      const selection = compiledSelection(json, task.selection);
      const { partition, summary } = calculateTaskPartition(selection, task.start_date, task.end_date, {
        signal: context.signal,
      });
      try {
        return { result: encodeTaskResult(partition, summary), summary: { ...summary } };
      } catch (error) {
        if (error instanceof InvalidPartitionError) throw new PermanentError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
