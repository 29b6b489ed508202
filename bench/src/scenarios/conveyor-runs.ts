import type { RunRequest, startConveyor } from '../conveyor.js';
import { measureCpuPerTask } from '../cpu.js';
import type { EntryInput } from '../result.js';
import type { BenchContext } from './context.js';

export type Conveyor = Awaited<ReturnType<typeof startConveyor>>;

/**
 * Runs a request once on a started stack, fails unless every task finished, and records the run.
 * With `cpu`, the entry's details get the CPU ms per task of MariaDB, RabbitMQ, the poller and the
 * workers during the run (`cpuMsPerTask.<process>`, net of idle).
 */
export async function measureConveyorRun(
  context: BenchContext,
  conveyor: Conveyor,
  request: RunRequest,
  entry: Omit<EntryInput, 'system' | 'tasksPerSecond'>,
  runId?: string,
  /** `system`: the name of the entry (default `conveyor`; `conveyor-bundled` for a run in bundles). */
  options: { cpu?: boolean; system?: string } = {},
) {
  const system = options.system ?? 'conveyor';
  let cpu: Record<string, number> = {};
  let result: Awaited<ReturnType<Conveyor['run']>>;
  if (options.cpu) {
    const measured = await measureCpuPerTask(await conveyor.cpuGroups(), entry.tasks, () =>
      conveyor.run(request, runId),
    );
    result = measured.result;
    cpu = Object.fromEntries(Object.entries(measured.cpuMsPerTask).map(([k, v]) => [`cpuMsPerTask.${k}`, v]));
    context.log(`${entry.scenario} CPU ms per task: ${JSON.stringify(measured.cpuMsPerTask)}`);
  } else {
    result = await conveyor.run(request, runId);
  }
  if (result.status !== 'SUCCEEDED' || result.finished !== entry.tasks)
    throw new Error(
      `${entry.scenario} run ${result.runId}: ${result.status}, ${result.finished}/${entry.tasks} finished`,
    );
  context.results.completionLatencies.push(result.completionLatencyMs);
  const rss = await conveyor.peakRss();
  context.results.add({
    ...entry,
    system,
    tasksPerSecond: (entry.tasks * 1000) / result.totalMs,
    peakRssMb: Math.max(...Object.values(rss)),
    ...(options.cpu || entry.details ? { details: { ...entry.details, ...cpu } } : {}),
  });
  context.log(
    `${entry.scenario} ${system} ×${entry.workers}${entry.slots ? ` (${entry.slots} slots)` : ''}: ${result.totalMs.toFixed(0)} ms (processing ${result.processingMs} ms, completion +${result.completionLatencyMs} ms)`,
  );
  return result;
}
