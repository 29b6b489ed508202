import { and, between, eq, sql } from 'drizzle-orm';
import type { RateWindow } from '@conveyor/messages';
import type { Database } from '../database.js';
import { toDatetime } from '../datetime.js';
import { runProcess } from '../schema.js';

/**
 * The run's tasks that became terminal inside `window` (by `finished_at`, which only a terminal task
 * has: a task queued again loses it). The rate behind tasks/s and the ETA.
 */
export async function countTasksDoneBetween(
  db: Database,
  runId: string,
  window: RateWindow,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number | string>`COUNT(*)` })
    .from(runProcess)
    .where(
      and(
        eq(runProcess.runId, runId),
        between(runProcess.finishedAt, toDatetime(window.fromMs), toDatetime(window.toMs)),
      ),
    );
  return Number(row?.n ?? 0);
}
