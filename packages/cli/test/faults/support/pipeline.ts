// The pipeline of every fault test: the services connect as a least-privileged database user, so the
// whole suite also proves that they need no more than SERVICE_GRANTS.
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { getRun, hasCompleted } from '@conveyor/db';
import { createEventTap, type EventTap } from '@conveyor/messages/testing';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline.js';
import type { RunRequest } from './checks.js';
import { createDatabaseFaults, type DatabaseFaults } from './faults.js';

/** The test calculations (slow-grid, grid-fails-first, …), loaded by every fault pipeline's workers. */
const fixtures = fileURLToPath(new URL('../../fixtures/calculations.ts', import.meta.url));

/** The usual run of the suite: 6 substations × 20 days = 120 `slow-grid` tasks (SLOW_TASK_MS each). */
export const slowGridRequest = (seed: number): RunRequest => ({
  topologySource: `synthetic:substations=6&nodes=20&seed=${seed}`,
  from: '2023-01-01 00:00',
  to: '2023-01-20 23:59',
  chunk: 'day',
  calculation: 'slow-grid',
});

const open = new Set<FaultPipeline>();

/** The runs a pipeline started that are not SUCCEEDED, FAILED or CANCELLED. */
async function unfinishedRuns(pipeline: FaultPipeline) {
  const unfinished: string[] = [];
  for (const runId of pipeline.runIds) {
    const run = await getRun(pipeline.database.db, runId);
    if (!run || !hasCompleted(run)) unfinished.push(`${runId} (${run?.status ?? 'not recorded'})`);
  }
  return unfinished;
}

// Every fault pipeline is closed after its test, a worker left hung (SIGSTOP) by a failed test included;
// and the test fails if any run it started was left non-terminal (DESIGN §7: every run ends).
afterEach(async () => {
  const unfinished: string[] = [];
  for (const pipeline of open) {
    for (const proc of pipeline.stack.processes())
      if (proc.child.exitCode === null) proc.child.kill('SIGCONT');
    unfinished.push(...(await unfinishedRuns(pipeline).catch((error: Error) => [error.message])));
    await pipeline.close();
  }
  open.clear();
  if (unfinished.length > 0)
    throw new Error(`the test left ${unfinished.length} run(s) non-terminal: ${unfinished.join(', ')}`);
});

export type FaultPipeline = TestPipeline & {
  databaseFaults: DatabaseFaults;
  /** A tap on the events exchange: every `run.completed` published, each copy counted. */
  tap: EventTap;
  /** Every run the test requested through `requestRun`. */
  runIds: string[];
};

export async function startFaultPipeline(
  options: Omit<Parameters<typeof startTestPipeline>[0], 'serviceDatabaseUrl'>,
): Promise<FaultPipeline> {
  let faults: DatabaseFaults | undefined;
  const pipeline = await startTestPipeline({
    ...options,
    // Every task announces its start: the checks find a killed worker's tasks by their task.started.
    env: { CALCULATION_MODULES: fixtures, WORKER_STARTED_AFTER_MS: '0', ...options.env },
    serviceDatabaseUrl: async (database) => (faults = await createDatabaseFaults(database)).url,
  });
  const databaseFaults = faults!;
  const tap = await createEventTap(pipeline.namespace.amqpUrl, pipeline.namespace.namespace, [
    'run.completed',
  ]);
  const runIds: string[] = [];
  const faultPipeline: FaultPipeline = {
    ...pipeline,
    databaseFaults,
    tap,
    runIds,
    requestRun: async (request) => {
      const runId = await pipeline.requestRun(request);
      runIds.push(runId);
      return runId;
    },
    // The user and the tap go first: closing the pipeline drops the database, its pool and the namespace.
    close: async () => {
      await databaseFaults.cleanup();
      await tap.close();
      return pipeline.close();
    },
  };
  open.add(faultPipeline);
  return faultPipeline;
}
