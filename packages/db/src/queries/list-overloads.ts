import { rankOverloads, type OverloadEntry } from '@conveyor/grid';
import type { Database } from '../database.js';
import { listPartitionHeads } from './list-partition-heads.js';

export type RankedOverload = OverloadEntry & {
  /** 1 for the most utilized element of the run; the cursor of its page. */
  rank: number;
};

/**
 * A page of the run's overload report: every element overloaded in a task, most utilized first (then
 * selection, start date, element id), after the `after`-th. Read from the partitions' `stats` alone:
 * no `data` is decoded.
 */
export async function listOverloads(
  db: Database,
  query: { runId: string; after?: number; limit: number },
): Promise<RankedOverload[]> {
  const after = query.after ?? 0;
  return rankOverloads(await listPartitionHeads(db, query.runId))
    .slice(after, after + query.limit)
    .map((entry, i) => ({ ...entry, rank: after + i + 1 }));
}
