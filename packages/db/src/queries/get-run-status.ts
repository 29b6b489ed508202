import { eq } from 'drizzle-orm';
import type { RunStatus } from '@conveyor/messages';
import type { Database } from '../database.js';
import { runs } from '../schema.js';

/** A run's status and whether its cancellation was requested: one primary-key read, asked by workers before each task. */
export async function getRunStatus(
  db: Database,
  runId: string,
): Promise<{ status: RunStatus; cancelRequested: boolean } | undefined> {
  const [row] = await db
    .select({ status: runs.status, cancelRequested: runs.cancelRequested })
    .from(runs)
    .where(eq(runs.id, runId));
  return row;
}
