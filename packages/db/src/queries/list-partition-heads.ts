import type { CellHead } from '@conveyor/grid';
import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { taskResults } from '../schema.js';

/**
 * What a run's result partitions tell without their data — task, selection, window, row count,
 * `stats` — in any order: run summaries, the overload report and the pairing of two runs' cells are
 * computed from these alone.
 */
export function listPartitionHeads(db: Database, runId: string): Promise<CellHead[]> {
  return db
    .select({
      taskId: taskResults.taskId,
      selection: taskResults.selection,
      startDate: taskResults.startDate,
      endDate: taskResults.endDate,
      rowCount: taskResults.rowCount,
      stats: taskResults.stats,
    })
    .from(taskResults)
    .where(eq(taskResults.runId, runId));
}
