import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shareTopology, type GridLoadThreadResult, type GridLoadThreadTask } from '@conveyor/grid';
import { PermanentError } from '@conveyor/messages';
import type { Calculation } from './calculation.js';

/** The thread module, `.ts` under tsx (tests, `pnpm stack`), `.js` in the built dist. */
const THREAD = new URL(`../threads/grid-load${extname(fileURLToPath(import.meta.url))}`, import.meta.url)
  .href;

/**
 * The reference calculation (DESIGN §5): the cable loads of one substation over the task's window,
 * computed in a worker thread (CPU-bound). Each topology goes to the threads once, in shared memory;
 * each thread builds it once and compiles each selection once.
 */
export function createGridLoad(): Calculation {
  const shared = new WeakMap<object, SharedArrayBuffer>();
  return {
    name: 'grid-load',
    run: async (task, context) => {
      const json = (await context.loadTopology(task.topology_id)) as object;
      let topology = shared.get(json);
      if (!topology) {
        topology = shareTopology(json);
        shared.set(json, topology);
      }
      const input: GridLoadThreadTask = {
        topologyId: task.topology_id,
        topology,
        selection: task.selection,
        startDate: task.start_date,
        endDate: task.end_date,
      };
      const result = await context.runInThread<GridLoadThreadResult>(THREAD, input);
      if (!result.ok) throw new PermanentError(result.message);
      const { data, rowCount, stats } = result;
      return { result: { data, rowCount, stats }, summary: { ...stats.summary } };
    },
  };
}
