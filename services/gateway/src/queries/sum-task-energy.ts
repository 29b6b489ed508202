import type { Database } from '@conveyor/db';

/**
 * Σ of the finished tasks' `summary.energyKwh` (kWh through the cables leaving the substations), or
 * null when no task has finished. Read from run_process, where the poller keeps each task's summary.
 */
export async function sumTaskEnergy(db: Database, runId: string): Promise<number | null> {
  const [rows] = await db.$client.query(
    `SELECT SUM(JSON_EXTRACT(summary, '$.energyKwh') + 0) AS energyKwh
     FROM run_process WHERE run_id = ? AND task_status = 'FINISHED'`,
    [runId],
  );
  const value = (rows as { energyKwh: number | string | null }[])[0]?.energyKwh ?? null;
  return value === null ? null : Number(value);
}
