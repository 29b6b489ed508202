import { eq, sql } from 'drizzle-orm';
import type { Database } from '../database.js';
import { taskResults } from '../schema.js';

/** Aggregates of a run's results, for the GraphQL result summary. */
export async function summarizeResults(db: Database, runId: string) {
  const [row] = await db
    .select({
      rows: sql<number | string>`COUNT(*)`,
      cables: sql<number | string>`COUNT(DISTINCT ${taskResults.cableId})`,
      overloadedCables: sql<
        number | string
      >`COUNT(DISTINCT CASE WHEN ${taskResults.overloadedIntervals} > 0 THEN ${taskResults.cableId} END)`,
      maxUtilization: sql<number | string | null>`MAX(${taskResults.utilization})`,
    })
    .from(taskResults)
    .where(eq(taskResults.runId, runId));
  return {
    rows: Number(row?.rows ?? 0),
    cables: Number(row?.cables ?? 0),
    overloadedCables: Number(row?.overloadedCables ?? 0),
    maxUtilization:
      row?.maxUtilization === null || row?.maxUtilization === undefined ? null : Number(row.maxUtilization),
  };
}
