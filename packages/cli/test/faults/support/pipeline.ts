// The pipeline of every fault test: the services connect as a least-privileged database user, so the
// whole suite also proves that they need no more than SERVICE_GRANTS.
import { startTestPipeline, type TestPipeline } from '../../support/pipeline.js';
import { createDatabaseFaults, type DatabaseFaults } from './faults.js';

export type FaultPipeline = TestPipeline & { databaseFaults: DatabaseFaults };

export async function startFaultPipeline(
  options: Omit<Parameters<typeof startTestPipeline>[0], 'serviceDatabaseUrl'>,
): Promise<FaultPipeline> {
  let faults: DatabaseFaults | undefined;
  const pipeline = await startTestPipeline({
    ...options,
    serviceDatabaseUrl: async (database) => (faults = await createDatabaseFaults(database)).url,
  });
  const databaseFaults = faults!;
  return {
    ...pipeline,
    databaseFaults,
    // The user goes first: closing the pipeline drops the database and its pool.
    close: async () => {
      await databaseFaults.cleanup();
      return pipeline.close();
    },
  };
}
