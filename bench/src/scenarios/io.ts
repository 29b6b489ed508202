// 2. io: tasks that each wait for an external call (IO_WAIT_MS): the speedup over the monolith's
// sequential loop for 1, 4, 16 and 64 concurrent task slots (one worker, WORKER_CONCURRENCY = slots).
import { fileURLToPath } from 'node:url';
import { IO_WAIT_MS, waitForCall } from '../calculations/io-wait.js';
import { startConveyor } from '../conveyor.js';
import type { BenchContext } from './context.js';
import { measureConveyorRun } from './conveyor-runs.js';

export const IO_SLOTS = [1, 4, 16, 64];

/** The plug-in module the workers load (from source: they run under tsx). */
const plugin = fileURLToPath(new URL('../calculations/io-wait.ts', import.meta.url));

/** The monolith's for-loop: one external call after the other. */
async function monolithIo(tasks: number): Promise<{ ms: number }> {
  const started = performance.now();
  for (let task = 0; task < tasks; task++) await waitForCall();
  return { ms: performance.now() - started };
}

export async function benchIo(context: BenchContext) {
  const substations = context.quick ? 2 : 20; // × 100 days, one task per day and substation
  const tasks = substations * 100;
  for (let i = 0; i < context.repeats; i++) {
    const monolith = await monolithIo(tasks);
    context.results.add({
      scenario: 'io',
      system: 'monolith',
      tasks,
      workers: 1,
      slots: 1,
      tasksPerSecond: (tasks * 1000) / monolith.ms,
    });
    context.log(`io monolith: ${monolith.ms.toFixed(0)} ms (${tasks} × ${IO_WAIT_MS} ms)`);
  }

  const conveyor = await startConveyor({ ...context, workers: 0, env: { CALCULATION_MODULES: plugin } });
  try {
    for (const slots of IO_SLOTS) {
      const worker = await conveyor.addWorker({ WORKER_CONCURRENCY: String(slots) });
      for (let i = 0; i < context.repeats; i++) {
        await measureConveyorRun(
          context,
          conveyor,
          {
            topologySource: `synthetic:substations=${substations}&nodes=1&seed=1`,
            from: '2023-01-01 00:00',
            to: '2023-04-10 23:59',
            chunk: 'day',
            calculation: 'io-wait',
          },
          { scenario: 'io', tasks, workers: 1, slots },
        );
      }
      await conveyor.stopProcess(worker);
    }
  } finally {
    await conveyor.stop();
  }
}
