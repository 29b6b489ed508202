// 1. noop: the orchestration overhead alone, against the monolith, the broker's ceiling and two peers;
// Conveyor one task per message (`conveyor`) and in bundles of BUNDLE_SIZE (`conveyor-bundled`).
import { startConveyor } from '../conveyor.js';
import { bullmqNoop } from '../peers/bullmq.js';
import { graphileWorkerNoop } from '../peers/graphile-worker.js';
import { monolithNoop } from '../peers/monolith.js';
import { rabbitmqRaw } from '../peers/rabbitmq-raw.js';
import { selfPeakRssMb } from '../stats.js';
import type { BenchContext } from './context.js';
import { measureConveyorRun } from './conveyor-runs.js';

/** The bundle size of `conveyor-bundled` (issue 16's goal is stated for bundles of 50). */
const BUNDLE_SIZE = 50;

export async function benchNoop(context: BenchContext) {
  const substations = context.quick ? 20 : 100; // × 100 days, one task per day and substation
  const tasks = substations * 100;
  const { results, log } = context;
  const peer = (system: string, ms: number, peakRssMb: number | null = null) =>
    results.add({
      scenario: 'noop',
      system,
      tasks,
      workers: 1,
      tasksPerSecond: (tasks * 1000) / ms,
      peakRssMb,
    });

  for (let i = 0; i < context.repeats; i++) {
    const monolith = await monolithNoop(context.databaseUrl, tasks);
    peer('monolith', monolith.ms, await selfPeakRssMb());
    const raw = await rabbitmqRaw(context.amqpUrl, tasks);
    peer('rabbitmq-raw', raw.ms);
    const bull = await bullmqNoop(context.redisUrl, tasks);
    peer('bullmq', bull.ms);
    const graphile = await graphileWorkerNoop(context.postgresUrl, tasks);
    peer('graphile-worker', graphile.ms);
    log(
      `noop peers: monolith ${monolith.ms.toFixed(0)} ms, rabbitmq-raw ${raw.ms.toFixed(0)} ms, bullmq ${bull.ms.toFixed(0)} ms, graphile-worker ${graphile.ms.toFixed(0)} ms`,
    );
  }

  const conveyor = await startConveyor({ ...context, workers: 2, env: { WORKER_CONCURRENCY: '50' } });
  try {
    const request = {
      topologySource: `synthetic:substations=${substations}&nodes=1&seed=1`,
      from: '2023-01-01 00:00',
      to: '2023-04-10 23:59',
      chunk: 'day' as const,
      calculation: 'noop',
    };
    const entry = { scenario: 'noop', tasks, workers: 2 };
    // Alternated, so that both systems see the same warm-up and the same state of the machine.
    for (let i = 0; i < context.repeats; i++) {
      await measureConveyorRun(context, conveyor, request, entry, undefined, { cpu: true });
      await measureConveyorRun(context, conveyor, { ...request, bundleSize: BUNDLE_SIZE }, entry, undefined, {
        system: 'conveyor-bundled',
        cpu: true,
      });
    }
  } finally {
    await conveyor.stop();
  }
}
