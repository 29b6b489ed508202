// 5. scale: one large run of no-op tasks. It must complete, keep its pace from the first to the last
// tenth of its tasks, keep the poller's and the gateway's memory bounded, and `run(id)` with its
// counts must still answer quickly at the end.
import { measureCpuPerTask } from '../cpu.js';
import { queryGateway } from '../gateway.js';
import { median, percentile, throughputAtEnds } from '../stats.js';
import type { BenchContext } from './context.js';
import type { Conveyor } from './conveyor-runs.js';

const RUN_QUERY = `query Run($id: ID!) {
  run(id: $id) { id status counts { total queued started finished failed cancelled } }
}`;
const QUERY_SAMPLES = 20;

/** Times `run(id)` with its counts against the gateway, one query after the other (ms). */
async function timeRunQuery(gatewayUrl: string, runId: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < QUERY_SAMPLES; i++) {
    const started = performance.now();
    const data = await queryGateway<{ run: { counts: { finished: number } } | null }>(gatewayUrl, RUN_QUERY, {
      id: runId,
    });
    times.push(performance.now() - started);
    if (!data.run) throw new Error(`scale: the gateway does not know run ${runId}`);
  }
  return times;
}

/** Runs on a stack started with the gateway and 2 workers; read its peak memory before anything else. */
export async function benchScale(context: BenchContext, conveyor: Conveyor) {
  const substations = context.quick ? 100 : 1000; // × 100 days, one task per day and substation
  const tasks = substations * 100;
  const measured = await measureCpuPerTask(await conveyor.cpuGroups(), tasks, () =>
    conveyor.run({
      topologySource: `synthetic:substations=${substations}&nodes=1&seed=1`,
      from: '2023-01-01 00:00',
      to: '2023-04-10 23:59',
      chunk: 'day',
      calculation: 'noop',
    }),
  );
  const result = measured.result;
  context.log(`scale CPU ms per task: ${JSON.stringify(measured.cpuMsPerTask)}`);
  if (result.status !== 'SUCCEEDED' || result.finished !== tasks)
    throw new Error(`scale run ${result.runId}: ${result.status}, ${result.finished}/${tasks} finished`);
  context.results.completionLatencies.push(result.completionLatencyMs);
  const pace = throughputAtEnds(await conveyor.finishTimes(result.runId));
  const rss = await conveyor.peakRss();
  const queryMs = await timeRunQuery(conveyor.gatewayUrl, result.runId);
  context.results.add({
    scenario: 'scale',
    system: 'conveyor',
    tasks,
    workers: 2,
    tasksPerSecond: (tasks * 1000) / result.totalMs,
    peakRssMb: Math.max(...Object.values(rss)),
    details: {
      firstTenthTasksPerSecond: pace.first,
      lastTenthTasksPerSecond: pace.last,
      lastToFirstRatio: pace.ratio,
      pollerPeakRssMb: rss.poller ?? NaN,
      gatewayPeakRssMb: rss.gateway ?? NaN,
      runQueryP50Ms: median(queryMs),
      runQueryMaxMs: percentile(queryMs, 100),
      ...Object.fromEntries(
        Object.entries(measured.cpuMsPerTask).map(([name, ms]) => [`cpuMsPerTask.${name}`, ms]),
      ),
    },
  });
  context.log(
    `scale conveyor ×2: ${tasks} tasks in ${result.totalMs} ms (completion +${result.completionLatencyMs} ms); tasks/s first tenth ${pace.first.toFixed(0)}, last tenth ${pace.last.toFixed(0)}; peak RSS poller ${rss.poller?.toFixed(0)} MB, gateway ${rss.gateway?.toFixed(0)} MB; run(id) ${median(queryMs).toFixed(1)} ms`,
  );
}
