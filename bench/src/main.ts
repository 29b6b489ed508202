// `pnpm bench [--quick]`: Conveyor against the monolith, the broker's ceiling, BullMQ and
// graphile-worker, side by side on this machine, in one process tree (DESIGN §9). Prints a table and
// writes bench/results/latest.{json,md}.
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startConveyor } from './conveyor.js';
import { formatReport } from './report.js';
import { createResults } from './result.js';
import type { BenchContext } from './scenarios/context.js';
import { benchGrid } from './scenarios/grid.js';
import { benchGridLarge } from './scenarios/grid-large.js';
import { benchIo } from './scenarios/io.js';
import { addCompletionLatency, benchSubscriptionLatency } from './scenarios/latency.js';
import { benchNoop } from './scenarios/noop.js';
import { benchScale } from './scenarios/scale.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string', multiple: true } },
});
const quick = values.quick;
/** `--only NAME` (repeatable): run just these scenarios. */
const only = new Set(values.only ?? []);
const context: BenchContext = {
  quick,
  repeats: quick ? 1 : 3,
  databaseUrl: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/conveyor',
  amqpUrl: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  // graphile-worker's own schema is created in this database and dropped afterwards.
  postgresUrl: process.env.POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test',
  results: createResults(),
  log: (line) => process.stderr.write(`bench: ${new Date().toISOString().slice(11, 19)} ${line}\n`),
};

/**
 * Runs one scenario; when it fails, the failure goes into the report (and the exit code) and the
 * other scenarios still run: one broken scenario must not throw away half an hour of measurements.
 */
async function scenario(name: string, bench: () => Promise<void>) {
  if (only.size > 0 && !only.has(name)) return;
  try {
    await bench();
  } catch (error) {
    const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
    context.results.failures.push(message);
    context.log(`FAILED ${message}`);
  }
}

/** A Conveyor stack with the gateway, for one scenario: none measures what another left behind. */
async function withGateway(
  bench: (conveyor: Awaited<ReturnType<typeof startConveyor>>) => Promise<void>,
  env: NodeJS.ProcessEnv = { WORKER_CONCURRENCY: '50' },
) {
  const conveyor = await startConveyor({ ...context, workers: 2, gateway: true, env });
  try {
    await bench(conveyor);
  } finally {
    await conveyor.stop();
  }
}

async function main() {
  // Other processes on the machine change every number: the load average goes into the report.
  const loadAtStart = loadavg()[0] ?? NaN;
  context.log(`${quick ? 'quick' : 'full'} run: ${context.repeats} repeat(s) of each scenario`);
  await scenario('noop', () => benchNoop(context));
  await scenario('io', () => benchIo(context));
  await scenario('grid', () => benchGrid(context));
  await scenario('latency-subscription', () =>
    withGateway((conveyor) => benchSubscriptionLatency(context, conveyor)),
  );
  await scenario('scale', () => withGateway((conveyor) => benchScale(context, conveyor)));
  // One thread per worker: 2 workers on this 2-core machine, as in `grid`.
  await scenario('grid-large', () =>
    withGateway((conveyor) => benchGridLarge(context, conveyor), { WORKER_CONCURRENCY: '1' }),
  );
  addCompletionLatency(context);

  const load = `1-minute load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? NaN).toFixed(1)} at the end`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ${load}`;
  const { entries, failures } = context.results;
  const report = formatReport(entries, { machine, quick, date: new Date().toISOString(), failures });
  process.stdout.write(`${report}\n`);
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('../results/latest.json', import.meta.url),
    `${JSON.stringify({ machine, quick, entries, failures }, null, 2)}\n`,
  );
  await writeFile(new URL('../results/latest.md', import.meta.url), `${report}\n`);
}

await main();
process.exit(context.results.failures.length ? 1 : 0);
