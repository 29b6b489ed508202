// The pipeline of every fault test: the services connect as a least-privileged database user, so the
// whole suite also proves that they need no more than SERVICE_GRANTS.
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
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

// Every fault pipeline is closed after its test, a worker left hung (SIGSTOP) by a failed test included.
afterEach(async () => {
  for (const pipeline of open) {
    for (const proc of pipeline.stack.processes())
      if (proc.child.exitCode === null) proc.child.kill('SIGCONT');
    await pipeline.close();
  }
  open.clear();
});

export type FaultPipeline = TestPipeline & { databaseFaults: DatabaseFaults };

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
  const faultPipeline: FaultPipeline = {
    ...pipeline,
    databaseFaults,
    // The user goes first: closing the pipeline drops the database and its pool.
    close: async () => {
      await databaseFaults.cleanup();
      return pipeline.close();
    },
  };
  open.add(faultPipeline);
  return faultPipeline;
}
