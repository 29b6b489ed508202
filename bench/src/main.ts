// `pnpm bench [--quick]`: Conveyor against the monolith, the broker's ceiling and BullMQ, side by side
// on this machine, in one process tree. Prints a table and writes bench/results/latest.{json,md}.
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startConveyor } from './conveyor.js';
import { bullmqNoop } from './peers/bullmq.js';
import { monolithGrid, monolithNoop } from './peers/monolith.js';
import { rabbitmqRaw } from './peers/rabbitmq-raw.js';
import { formatReport } from './report.js';
import type { BenchEntry } from './result.js';
import { percentile, selfPeakRssMb } from './stats.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;
const env = {
  databaseUrl: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/conveyor',
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};
const repeats = quick ? 1 : 3;
const noopSubstations = quick ? 20 : 100; // × 100 days, one task per day and substation
const noopTasks = noopSubstations * 100;
const gridWindow = quick
  ? { from: '2023-01-01 00:00', to: '2023-01-31 23:59' }
  : { from: '2023-01-01 00:00', to: '2023-03-31 23:59' };
const gridSource = 'synthetic:substations=24&nodes=400&seed=7';

const entries: BenchEntry[] = [];
const completionLatencies: number[] = [];
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const entry = (e: Omit<BenchEntry, 'p50Ms' | 'p99Ms' | 'peakRssMb'> & Partial<BenchEntry>) =>
  entries.push({ p50Ms: null, p99Ms: null, peakRssMb: null, ...e });

async function conveyorRuns(
  workers: number,
  request: Parameters<Awaited<ReturnType<typeof startConveyor>>['run']>[0],
  scenario: string,
  tasks: number,
) {
  const conveyor = await startConveyor({
    ...env,
    workers,
    env: { WORKER_CONCURRENCY: scenario === 'noop' ? '50' : '2' },
  });
  try {
    for (let i = 0; i < repeats; i++) {
      const result = await conveyor.run(request);
      if (result.status !== 'SUCCEEDED' || result.finished !== tasks)
        throw new Error(
          `${scenario} run ${result.runId}: ${result.status}, ${result.finished}/${tasks} finished`,
        );
      completionLatencies.push(result.completionLatencyMs);
      const rss = await conveyor.peakRss();
      entry({
        scenario,
        system: 'conveyor',
        tasks,
        workers,
        tasksPerSecond: (tasks * 1000) / result.totalMs,
        peakRssMb: Math.max(...Object.values(rss)),
      });
      log(
        `${scenario} conveyor ×${workers}: ${result.totalMs.toFixed(0)} ms (processing ${result.processingMs} ms, completion +${result.completionLatencyMs} ms)`,
      );
    }
  } finally {
    await conveyor.stop();
  }
}

async function main() {
  log(
    `${quick ? 'quick' : 'full'} run: ${repeats} repeat(s), noop ${noopTasks} tasks, grid ${gridWindow.from} → ${gridWindow.to}`,
  );

  // 1. noop: orchestration overhead alone.
  for (let i = 0; i < repeats; i++) {
    const monolith = await monolithNoop(env.databaseUrl, noopTasks);
    entry({
      scenario: 'noop',
      system: 'monolith',
      tasks: noopTasks,
      workers: 1,
      tasksPerSecond: (noopTasks * 1000) / monolith.ms,
      peakRssMb: await selfPeakRssMb(),
    });
    const raw = await rabbitmqRaw(env.amqpUrl, noopTasks);
    entry({
      scenario: 'noop',
      system: 'rabbitmq-raw',
      tasks: noopTasks,
      workers: 1,
      tasksPerSecond: (noopTasks * 1000) / raw.ms,
    });
    const bull = await bullmqNoop(env.redisUrl, noopTasks);
    entry({
      scenario: 'noop',
      system: 'bullmq',
      tasks: noopTasks,
      workers: 1,
      tasksPerSecond: (noopTasks * 1000) / bull.ms,
    });
    log(
      `noop peers: monolith ${monolith.ms.toFixed(0)} ms, rabbitmq-raw ${raw.ms.toFixed(0)} ms, bullmq ${bull.ms.toFixed(0)} ms`,
    );
  }
  await conveyorRuns(
    2,
    {
      topologySource: `synthetic:substations=${noopSubstations}&nodes=1&seed=1`,
      from: '2023-01-01 00:00',
      to: '2023-04-10 23:59',
      chunk: 'day',
      calculation: 'noop',
    },
    'noop',
    noopTasks,
  );

  // 3. grid: the reference calculation.
  let gridTasks = 0;
  for (let i = 0; i < repeats; i++) {
    const monolith = await monolithGrid({ topologySource: gridSource, ...gridWindow, chunk: 'month' });
    gridTasks = monolith.tasks;
    entry({
      scenario: 'grid',
      system: 'monolith',
      tasks: monolith.tasks,
      workers: 1,
      tasksPerSecond: (monolith.tasks * 1000) / monolith.ms,
    });
    log(`grid monolith: ${monolith.ms.toFixed(0)} ms`);
  }
  for (const workers of [1, 2]) {
    await conveyorRuns(
      workers,
      { topologySource: gridSource, ...gridWindow, chunk: 'month', calculation: 'grid-load' },
      'grid',
      gridTasks,
    );
  }

  // 4. latency: last task.finished → run.completed, over every Conveyor run above.
  entry({
    scenario: 'latency',
    system: 'conveyor',
    tasks: completionLatencies.length,
    workers: 2,
    tasksPerSecond: NaN,
    p50Ms: percentile(completionLatencies, 50),
    p99Ms: percentile(completionLatencies, 99),
  });

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const report = formatReport(entries, { machine, quick, date: new Date().toISOString() });
  process.stdout.write(`${report}\n`);
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('../results/latest.json', import.meta.url),
    `${JSON.stringify({ machine, quick, entries }, null, 2)}\n`,
  );
  await writeFile(new URL('../results/latest.md', import.meta.url), `${report}\n`);
}

await main();
process.exit(0);
