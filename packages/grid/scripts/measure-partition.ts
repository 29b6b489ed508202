// Where a 400-cable grid task's time goes (kernel, row objects, partition columns, encoding,
// compression) and which compression to give result partitions: size × encode CPU per codec.
// Run: pnpm --filter @conveyor/grid measure:partition
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import {
  buildTopology,
  calculateTask,
  calculateTaskPartition,
  compileSelection,
  generateSynthetic,
  resultRowsOf,
} from '../src/index.js';
import { decodePartition, encodePartition, encodePartitionBody } from '../src/partition.js';
import { partitionStats } from '../src/partition-stats.js';

const TASKS = 24; // 24 substations × 400 nodes, January 2023: one month of 15-minute intervals each
const built = buildTopology(generateSynthetic({ substations: TASKS, nodes: 400, seed: 7 }));
if (!built.ok) throw new Error('synthetic topology is invalid');
const topology = built.topology;
const compiled = topology.substations.map((s) => compileSelection(topology, s.id));
const [from, to] = ['2023-01-01 00:00', '2023-01-31 23:59'];

/** Median ms per task of `run` over `rounds` passes over the 24 tasks (after a warm-up pass). */
function perTask<T>(rounds: number, run: (task: number) => T): number {
  for (let t = 0; t < TASKS; t++) run(t);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let t = 0; t < TASKS; t++) run(t);
    times.push(Number(process.hrtime.bigint() - start) / 1e6 / TASKS);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const task = (t: number) => ({ selection: compiled[t]!.selection, startDate: from, endDate: to });
const partitions = compiled.map((c) => calculateTaskPartition(c, from, to).partition);
const results = compiled.map((c) => calculateTask(c, from, to));
const bodies = partitions.map(encodePartitionBody);
const meanBody = bodies.reduce((s, b) => s + b.length, 0) / TASKS;

console.log(
  `${TASKS} tasks of 400 cables, January 2023 (2,976 intervals); load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('\nms per task (median of passes over the 24 tasks):');
const rows: [string, number][] = [
  ['kernel → row objects (calculateTask)', perTask(15, (t) => calculateTask(compiled[t]!, from, to))],
  [
    'kernel → partition (calculateTaskPartition)',
    perTask(15, (t) => calculateTaskPartition(compiled[t]!, from, to)),
  ],
  ['resultRowsOf (CSV row objects, today)', perTask(200, (t) => resultRowsOf(results[t]!.rows, task(t)))],
  [
    'encodePartitionBody (check + columns, no compression)',
    perTask(200, (t) => encodePartitionBody(partitions[t]!)),
  ],
  ['encodePartition (body + brotli, as stored)', perTask(50, (t) => encodePartition(partitions[t]!))],
];
const stored = partitions.map(encodePartition);
rows.push([
  'partitionStats (the stats JSON object)',
  perTask(200, (t) => partitionStats(partitions[t]!, results[t]!.summary)),
]);
rows.push([
  "today's path: calculateTask + resultRowsOf",
  perTask(15, (t) => resultRowsOf(calculateTask(compiled[t]!, from, to).rows, task(t))),
]);
rows.push([
  'partition path: calculateTaskPartition + encodePartition + stats',
  perTask(15, (t) => {
    const { partition, summary } = calculateTaskPartition(compiled[t]!, from, to);
    return [encodePartition(partition), partitionStats(partition, summary)];
  }),
]);
rows.push(['decodePartition', perTask(50, (t) => decodePartition(stored[t]!))]);
for (const [label, ms] of rows) console.log(`  ${label.padEnd(66)} ${ms.toFixed(3).padStart(8)} ms`);

// The same columns without the byte shuffle, to show what the shuffle is worth.
const plain = partitions.map((p, t) => {
  const body = bodies[t]!;
  const fixed = 5 + p.cableIds.length * (body[4] === 1 ? 32 : 40);
  const parts = [p.capacityKw, p.peakKw, p.utilization, p.energyKwh, p.peakAt, p.overloadedIntervals].map(
    (c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength),
  );
  return Buffer.concat([
    body.subarray(0, 5),
    ...parts.filter((_, i) => !(body[4] === 1 && i === 2)),
    body.subarray(fixed),
  ]);
});

type Codec = { name: string; compress: (body: Uint8Array) => Uint8Array };
const brotli = (quality: number): Codec => ({
  name: `brotli q${quality}`,
  compress: (body) =>
    zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
});
const codecs: Codec[] = [
  ...[1, 3, 6, 9].map((level) => ({
    name: `deflate-raw ${level}`,
    compress: (b: Uint8Array) => zlib.deflateRawSync(b, { level }),
  })),
  { name: 'gzip 6', compress: (b) => zlib.gzipSync(b, { level: 6 }) },
  ...[1, 3, 4, 5, 6, 9, 11].map(brotli),
];

console.log(
  `\nCompression of one task's body: ${meanBody.toFixed(0)} bytes uncompressed (mean), shuffled columns vs plain`,
);
console.log('  codec            bytes (shuffled)  ratio   encode ms   decode ms   bytes (plain)');
for (const codec of codecs) {
  const size = (set: Uint8Array[]) => set.reduce((s, b) => s + codec.compress(b).length, 0) / TASKS;
  const compressed = bodies.map((b) => codec.compress(b));
  const encodeMs = perTask(100, (t) => codec.compress(bodies[t]!));
  const decompress = codec.name.startsWith('brotli')
    ? (b: Uint8Array) => zlib.brotliDecompressSync(b)
    : codec.name.startsWith('gzip')
      ? (b: Uint8Array) => zlib.gunzipSync(b)
      : (b: Uint8Array) => zlib.inflateRawSync(b);
  const decodeMs = perTask(30, (t) => decompress(compressed[t]!));
  console.log(
    `  ${codec.name.padEnd(16)} ${size(bodies).toFixed(0).padStart(16)}  ${(meanBody / size(bodies)).toFixed(2).padStart(5)}  ${encodeMs.toFixed(3).padStart(10)}  ${decodeMs.toFixed(3).padStart(10)}  ${size(plain).toFixed(0).padStart(14)}`,
  );
}

// Node 20 has no zstd (node:zlib has it from Node 22.15): measure the zstd command's own benchmark
// on the same bodies, concatenated per task into files, for comparison.
const dir = mkdtempSync(join(tmpdir(), 'partition-'));
try {
  const files = bodies.map((body, t) => {
    const file = join(dir, `body-${t}`);
    writeFileSync(file, body);
    return file;
  });
  // `zstd -b` reports compression speed in MB/s; each level's result line ends in "\r N#".
  const out = execFileSync('zstd', ['-b1', '-e9', '-i1', files[0]!], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  console.log(`\nzstd CLI benchmark (in-process, C) on task 1's body:`);
  for (const [, bytes, speed, level] of out.matchAll(
    /->\s*(\d+) \(x[\d.]+\),\s*([\d.]+) MB\/s,\s*[\d.]+ MB\/s\s*\r\s*(\d+)#/g,
  )) {
    console.log(
      `  zstd ${level}: ${bytes} bytes, encode ${((bodies[0]!.length / 1e6 / Number(speed)) * 1000).toFixed(3)} ms (${speed} MB/s)`,
    );
  }
  for (const level of [1, 3, 9]) {
    const total = files.reduce((s, f) => s + execFileSync('zstd', [`-${level}`, '-c', '-q', f]).length, 0);
    console.log(
      `  zstd -${level}: ${(total / TASKS).toFixed(0)} bytes per task (mean, with the 13-byte frame header)`,
    );
  }
} catch (error) {
  console.log(`\nzstd command not available (${(error as Error).message.split('\n')[0]}): skipped`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
