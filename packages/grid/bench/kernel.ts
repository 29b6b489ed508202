// Kernel benchmark: node-intervals per second of the fast kernel and of the object-per-node reference.
// Run: pnpm --filter @conveyor/grid bench:kernel
import {
  buildTopology,
  calculateTask,
  calculateTaskReference,
  compileSelection,
  generateSynthetic,
} from '../src/index.js';

const built = buildTopology(generateSynthetic({ substations: 1, nodes: 400, seed: 7 }));
if (!built.ok) throw new Error('synthetic topology is invalid');
const compiled = compileSelection(built.topology, '1');
const [from, to] = ['2023-01-01 00:00', '2023-01-31 23:59'];
const intervals = 31 * 96;
const nodeIntervals = intervals * compiled.size;

function measure(label: string, repeat: number, run: () => unknown): number {
  for (let i = 0; i < Math.min(repeat, 20); i++) run(); // warm-up: let the JIT optimise the loop
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const best = times[0]!;
  const rate = nodeIntervals / (median / 1000);
  // The best run shows what the loop can do; the median, what it does on a machine shared with others.
  console.log(
    `${label.padEnd(28)} median ${median.toFixed(2).padStart(8)} ms   ${(rate / 1e6).toFixed(1).padStart(7)} M node-intervals/s` +
      `   (best ${best.toFixed(2)} ms, ${(nodeIntervals / (best / 1000) / 1e6).toFixed(1)} M/s)`,
  );
  return rate;
}

console.log(
  `one task: ${compiled.size} nodes × ${intervals} intervals (January 2023, 15 min) = ${nodeIntervals} node-intervals`,
);
const fast = measure('kernel (typed arrays)', 200, () => calculateTask(compiled, from, to));
const slow = measure('reference (object per node)', 5, () =>
  calculateTaskReference(built.topology, '1', from, to),
);
console.log(`speed-up: ${(fast / slow).toFixed(0)}×`);
