// 3. grid: the reference calculation, 24 substations × 400 nodes, monthly chunks; the monolith writes
// its CSV as `conveyor monolith` does, Conveyor's run ends at run.completed with its results stored.
import { startConveyor } from '../conveyor.js';
import { monolithGrid } from '../peers/monolith.js';
import type { BenchContext } from './context.js';
import { measureConveyorRun } from './conveyor-runs.js';

const topologySource = 'synthetic:substations=24&nodes=400&seed=7';

export async function benchGrid(context: BenchContext) {
  const window = context.quick
    ? { from: '2023-01-01 00:00', to: '2023-01-31 23:59' }
    : { from: '2023-01-01 00:00', to: '2023-03-31 23:59' };
  let tasks = 0;
  for (let i = 0; i < context.repeats; i++) {
    const monolith = await monolithGrid({ topologySource, ...window, chunk: 'month' });
    tasks = monolith.tasks;
    context.results.add({
      scenario: 'grid',
      system: 'monolith',
      tasks,
      workers: 1,
      tasksPerSecond: (tasks * 1000) / monolith.ms,
    });
    context.log(`grid monolith (with its CSV, ${monolith.rows} rows): ${monolith.ms.toFixed(0)} ms`);
  }
  // One stack: runs with one worker, then with a second one added.
  const conveyor = await startConveyor({ ...context, workers: 1, env: { WORKER_CONCURRENCY: '2' } });
  try {
    for (const workers of [1, 2]) {
      if (workers === 2) await conveyor.addWorker();
      for (let i = 0; i < context.repeats; i++) {
        await measureConveyorRun(
          context,
          conveyor,
          { topologySource, ...window, chunk: 'month', calculation: 'grid-load' },
          { scenario: 'grid', tasks, workers },
          undefined,
          { cpu: true },
        );
      }
    }
  } finally {
    await conveyor.stop();
  }
}
