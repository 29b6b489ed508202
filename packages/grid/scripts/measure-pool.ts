// piscina vs tinypool for grid-load tasks in worker threads: throughput with 2 threads over the
// 24 × 400 × Q1 2023 plan (72 tasks, monthly chunks), the cost of sending results back (the encoded
// partition's buffer transferred vs row objects cloned), the main thread's event-loop delay meanwhile,
// and how each cancels a running task. Run: pnpm --filter @conveyor/grid measure:pool
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import {
  buildTopology,
  calculateTask,
  calculateTaskPartition,
  compileSelection,
  encodePartition,
  generateSynthetic,
  planTasks,
  resultRowsOf,
} from '../src/index.js';
import {
  shareTopology,
  type GridLoadThreadResult,
  type GridLoadThreadTask,
} from '../src/grid-load-thread.js';

const THREADS = 2;
const json = generateSynthetic({ substations: 24, nodes: 400, seed: 7 });
const built = buildTopology(json);
if (!built.ok) throw new Error('synthetic topology is invalid');
const topology = shareTopology(json);
const plan = planTasks({
  selections: built.topology.substations.map((s) => s.id),
  start: '2023-01-01 00:00',
  end: '2023-03-31 23:59',
  chunk: 'month',
});
const tasks: GridLoadThreadTask[] = plan.map((t) => ({ topologyId: 'grid-24', topology, ...t }));

type Pool = {
  name: string;
  run: (task: GridLoadThreadTask, signal?: AbortSignal) => Promise<unknown>;
  threads: () => number;
  destroy: () => Promise<void>;
};
const entry = (name: string) => new URL(`./threads/${name}.ts`, import.meta.url).href;

function createPool(kind: 'piscina' | 'tinypool', file: string): Pool {
  if (kind === 'piscina') {
    const pool = new Piscina({ filename: entry(file), minThreads: THREADS, maxThreads: THREADS });
    return {
      name: `piscina (${file})`,
      run: (task, signal) => pool.run(task, signal ? { signal } : {}),
      threads: () => pool.threads.length,
      destroy: () => pool.destroy(),
    };
  }
  // tinypool's threads do not inherit tsx's loader: its entries are .mjs files that register it.
  const filename = new URL(
    `./threads/${file === 'rows-thread' ? 'tinypool-rows-thread' : file}.mjs`,
    import.meta.url,
  ).href;
  const pool = new Tinypool({ filename, minThreads: THREADS, maxThreads: THREADS });
  return {
    name: `tinypool (${file})`,
    run: (task, signal) => pool.run(task, signal ? { signal } : {}) as Promise<unknown>,
    threads: () => pool.threads.length,
    destroy: () => pool.destroy(),
  };
}

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

/** All 72 tasks submitted at once; wall time, tasks/s, and the main thread's worst event-loop delay. */
async function runPlan(pool: Pool) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage(); // every thread of the process: less sensitive than wall time to a busy machine
  const results = (await Promise.all(tasks.map((task) => pool.run(task)))) as GridLoadThreadResult[];
  const wall = ms(start);
  const used = process.cpuUsage(cpu);
  const cpuPerTask = (used.user + used.system) / 1000 / tasks.length;
  delay.disable();
  const busy = results.reduce(
    (s, r) => (r.ok ? s + r.timings.loadMs + r.timings.calculateMs + r.timings.encodeMs : s),
    0,
  );
  return { wall, perSecond: tasks.length / (wall / 1000), busy, cpuPerTask, maxDelay: delay.max / 1e6 };
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${tasks.length} tasks, ${THREADS} threads`,
);

// The baseline: the same tasks one after the other on the main thread, as the monolith computes them.
const compiled = new Map(
  built.topology.substations.map((s) => [s.id, compileSelection(built.topology, s.id)]),
);
let mainCpu = 0; // ms per task, of the last pass
const sequential = () => {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (const task of tasks) {
    const compiledSelection = compiled.get(task.selection)!;
    encodePartition(calculateTaskPartition(compiledSelection, task.startDate, task.endDate).partition);
  }
  const used = process.cpuUsage(cpu);
  mainCpu = (used.user + used.system) / 1000 / tasks.length;
  return ms(start);
};
sequential(); // warm-up: let the JIT optimise the kernel
const mainWall = [sequential(), sequential(), sequential()].sort((a, b) => a - b)[1]!;
console.log(
  `main thread, sequential: ${(tasks.length / (mainWall / 1000)).toFixed(1)} tasks/s (${(mainWall / tasks.length).toFixed(2)} ms per task, CPU ${mainCpu.toFixed(2)} ms per task)`,
);

// What sending one task's result back costs: a structured clone of 400 row objects vs the encoded buffer moved.
const sample = tasks[0]!;
const objects = calculateTask(compiled.get(sample.selection)!, sample.startDate, sample.endDate);
const rows = resultRowsOf(objects.rows, sample);
const data = encodePartition(
  calculateTaskPartition(compiled.get(sample.selection)!, sample.startDate, sample.endDate).partition,
);
const cloneMs = (run: () => unknown) => {
  for (let i = 0; i < 50; i++) run();
  const s = process.hrtime.bigint();
  for (let i = 0; i < 500; i++) run();
  return ms(s) / 500;
};
console.log(
  `result transfer per task (structuredClone, both ways): 400 row objects ${cloneMs(() => structuredClone(rows)).toFixed(3)} ms; ` +
    `partition ${data.length} bytes moved ${cloneMs(() => {
      const copy = data.slice();
      return structuredClone({ data: copy, rowCount: 400 }, { transfer: [copy.buffer] });
    }).toFixed(3)} ms (incl. a copy to have something to move)`,
);

for (const kind of ['piscina', 'tinypool'] as const) {
  for (const file of [`${kind}-thread`, 'rows-thread']) {
    const pool = createPool(kind, file);
    const cold = await runPlan(pool); // thread start + each thread parses and builds the topology once
    const warm = [await runPlan(pool), await runPlan(pool), await runPlan(pool)].sort(
      (a, b) => a.wall - b.wall,
    )[1]!;
    console.log(
      `${pool.name.padEnd(32)} cold ${cold.perSecond.toFixed(1).padStart(5)} tasks/s   warm ${warm.perSecond.toFixed(1).padStart(5)} tasks/s` +
        ` (${(warm.wall / tasks.length).toFixed(2)} ms per task, speed-up ${(mainWall / warm.wall).toFixed(2)}×, CPU ${warm.cpuPerTask.toFixed(2)} ms per task)` +
        `   main event-loop delay max ${warm.maxDelay.toFixed(1)} ms` +
        (file === 'rows-thread'
          ? ''
          : `   thread busy ${((warm.busy / warm.wall / THREADS) * 100).toFixed(0)} %`),
    );
    await pool.destroy();
  }
}

// Cancelling a running task: a long one (4,000 nodes × all of 2023), aborted 300 ms in.
const bigJson = generateSynthetic({ substations: 1, nodes: 4000, seed: 7 });
const big: GridLoadThreadTask = {
  topologyId: 'big',
  topology: shareTopology(bigJson),
  selection: '1',
  startDate: '2023-01-01 00:00',
  endDate: '2023-12-31 23:45',
};
for (const kind of ['piscina', 'tinypool'] as const) {
  const pool = createPool(kind, `${kind}-thread`);
  await pool.run(tasks[0]!); // threads up and the grid topology loaded
  const controller = new AbortController();
  const running = pool.run(big, controller.signal).then(
    () => 'finished',
    (error: Error) => `${error.name}: ${error.message}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const abortedAt = process.hrtime.bigint();
  controller.abort(new Error('run cancelled'));
  const outcome = await running;
  const settle = ms(abortedAt);
  const threadsAfter = pool.threads();
  const next = process.hrtime.bigint();
  // Twice as many tasks as threads, so that one lands on the fresh thread (start + loading the topology again).
  await Promise.all(tasks.slice(1, 1 + 2 * THREADS).map((task) => pool.run(task)));
  console.log(
    `${kind}: abort 300 ms into a task of several seconds → "${outcome}" after ${settle.toFixed(1)} ms; ` +
      `threads right after: ${threadsAfter}; the next 4 tasks ${ms(next).toFixed(1)} ms`,
  );
  await pool.destroy();
}
