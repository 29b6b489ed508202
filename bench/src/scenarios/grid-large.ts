// 6. grid-large: 1,000 substations × 400 nodes, one month, monthly chunk (1,000 tasks, 400,000 result
// rows) on 2 workers with the gateway; then its CSV and Parquet exports streamed through the gateway,
// and the overload report. Reports time, rows/s, peak RSS per process and CPU ms per task.
import { queryGateway } from '../gateway.js';
import type { BenchContext } from './context.js';
import { measureConveyorRun, type Conveyor } from './conveyor-runs.js';

const CABLES_PER_SUBSTATION = 400; // one cable per node
const OVERLOADS_QUERY = `query Overloads($id: ID!) {
  run(id: $id) { overloads(first: 100) { nodes { rank selection cableId utilization } } }
}`;

/** Streams an export to nowhere; resolves with its bytes and the time it took (ms). */
async function timeExport(gatewayUrl: string, path: string) {
  const started = performance.now();
  const response = await fetch(new URL(path, gatewayUrl));
  if (!response.ok || !response.body) throw new Error(`grid-large: ${path}: HTTP ${response.status}`);
  let bytes = 0;
  for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
  return { bytes, ms: performance.now() - started };
}

export async function benchGridLarge(context: BenchContext, conveyor: Conveyor) {
  const substations = context.quick ? 100 : 1000;
  const tasks = substations;
  const rows = tasks * CABLES_PER_SUBSTATION;
  const request = {
    topologySource: `synthetic:substations=${substations}&nodes=${CABLES_PER_SUBSTATION}&seed=7`,
    from: '2023-01-01 00:00',
    to: '2023-01-31 23:59',
    chunk: 'month' as const,
    calculation: 'grid-load',
  };
  // The run itself is recorded as an entry; its exports and report are added to its details below.
  const run = await measureConveyorRun(
    context,
    conveyor,
    request,
    { scenario: 'grid-large', tasks, workers: 2 },
    undefined,
    { cpu: true },
  );
  const csv = await timeExport(conveyor.gatewayUrl, `/runs/${run.runId}/results.csv`);
  const parquet = await timeExport(conveyor.gatewayUrl, `/runs/${run.runId}/results.parquet`);
  const started = performance.now();
  const report = await queryGateway<{ run: { overloads: { nodes: unknown[] } } | null }>(
    conveyor.gatewayUrl,
    OVERLOADS_QUERY,
    { id: run.runId },
  );
  const overloadsMs = performance.now() - started;
  if (!report.run) throw new Error(`grid-large: the gateway does not know run ${run.runId}`);
  const rss = await conveyor.peakRss();
  const entry = context.results.entries.at(-1)!;
  entry.details = {
    ...entry.details,
    'run.rowsPerSecond': (rows * 1000) / run.totalMs,
    'csv.ms': csv.ms,
    'csv.mb': csv.bytes / 2 ** 20,
    'csv.rowsPerSecond': (rows * 1000) / csv.ms,
    'parquet.ms': parquet.ms,
    'parquet.mb': parquet.bytes / 2 ** 20,
    'parquet.rowsPerSecond': (rows * 1000) / parquet.ms,
    'overloads.ms': overloadsMs,
    ...Object.fromEntries(Object.entries(rss).map(([service, mb]) => [`peakRssMb.${service}`, mb])),
  };
  context.log(
    `grid-large: run ${run.totalMs.toFixed(0)} ms, CSV ${csv.ms.toFixed(0)} ms (${(csv.bytes / 2 ** 20).toFixed(1)} MB), ` +
      `Parquet ${parquet.ms.toFixed(0)} ms (${(parquet.bytes / 2 ** 20).toFixed(1)} MB), overloads ${overloadsMs.toFixed(0)} ms, ` +
      `peak RSS MB ${JSON.stringify(rss)}`,
  );
}
