import { eq, sql } from 'drizzle-orm';
import type { PoolConnection } from 'mysql2';
import type { Database } from '../database.js';
import { taskResults } from '../schema.js';

/** One cable's results for one task: the columns of the results CSV (DESIGN §5). */
export type ResultRow = {
  selection: string;
  startDate: string;
  endDate: string;
  cableId: string;
  capacityKw: number;
  peakKw: number;
  peakAt: string;
  utilization: number;
  overloadedIntervals: number;
  energyKwh: number;
};

/** Replaces a task's results in one transaction: a redelivered task never leaves two sets of rows. */
export async function writeTaskResults(
  db: Database,
  result: { runId: string; taskId: string; rows: ResultRow[] },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(taskResults).where(eq(taskResults.taskId, result.taskId));
    for (let i = 0; i < result.rows.length; i += 1000) {
      await tx
        .insert(taskResults)
        .values(
          result.rows
            .slice(i, i + 1000)
            .map((row) => ({ ...row, runId: result.runId, taskId: result.taskId })),
        );
    }
  });
}

/**
 * A run's results in the CSV's order (selection, start date, cable id, byte order), streamed from the
 * database without holding them all in memory. Read over the binary protocol (a prepared statement):
 * MariaDB's text protocol rounds the last digit of some doubles, the binary one is exact, so the
 * export equals the monolith's CSV byte for byte.
 */
export async function* streamTaskResults(db: Database, runId: string): AsyncGenerator<ResultRow> {
  const text = `
    SELECT selection, start_date AS startDate, end_date AS endDate, cable_id AS cableId,
      capacity_kw AS capacityKw, peak_kw AS peakKw, peak_at AS peakAt, utilization,
      overloaded_intervals AS overloadedIntervals, energy_kwh AS energyKwh
    FROM task_results WHERE run_id = ?
    ORDER BY selection, start_date, cable_id`;
  const connection = await new Promise<PoolConnection>((resolve, reject) =>
    db.$client.pool.getConnection((error, conn) => (error ? reject(error) : resolve(conn))),
  );
  const stream = connection.execute({ sql: text, values: [runId] }).stream({ highWaterMark: 500 });
  try {
    for await (const row of stream as AsyncIterable<ResultRow>) yield row;
  } finally {
    stream.destroy();
    connection.release();
  }
}

/** Aggregates of a run's results, for the GraphQL result summary. */
export async function summarizeResults(db: Database, runId: string) {
  const [row] = await db
    .select({
      rows: sql<number>`COUNT(*)`,
      cables: sql<number>`COUNT(DISTINCT ${taskResults.cableId})`,
      overloadedCables: sql<number>`COUNT(DISTINCT CASE WHEN ${taskResults.overloadedIntervals} > 0 THEN ${taskResults.cableId} END)`,
      maxUtilization: sql<number | null>`MAX(${taskResults.utilization})`,
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
