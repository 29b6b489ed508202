// For comparison only: the same task returning row objects (structured clone), as a plug-in does today.
import {
  buildTopology,
  calculateTask,
  compileSelection,
  parseTopology,
  resultRowsOf,
} from '../../src/index.js';
import type { GridLoadThreadTask } from '../../src/grid-load-thread.js';

const cache = new Map<string, ReturnType<typeof buildTopology>>();
const compiled = new Map<string, ReturnType<typeof compileSelection>>();

export default function gridLoadRows(task: GridLoadThreadTask) {
  let built = cache.get(task.topologyId);
  if (!built) {
    built = buildTopology(
      parseTopology(JSON.parse(new TextDecoder().decode(new Uint8Array(task.topology).slice()))),
    );
    cache.set(task.topologyId, built);
  }
  if (!built.ok) throw new Error('invalid topology');
  const key = `${task.topologyId}/${task.selection}`;
  let selection = compiled.get(key);
  if (!selection) {
    selection = compileSelection(built.topology, task.selection);
    compiled.set(key, selection);
  }
  const result = calculateTask(selection, task.startDate, task.endDate);
  return { rows: resultRowsOf(result.rows, task), summary: result.summary };
}
