import { summarizePartitions, type RunResultSummary } from '@conveyor/grid';
import type { Database } from '../database.js';
import { listPartitionHeads } from './list-partition-heads.js';

/** Aggregates of a run's results, for the GraphQL result summary: from `stats`, without decoding `data`. */
export async function summarizeResults(db: Database, runId: string): Promise<RunResultSummary> {
  return summarizePartitions(await listPartitionHeads(db, runId));
}
