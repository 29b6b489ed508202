import { and, eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runs } from '../schema.js';

/** Notes that `run.completed` of the claimed generation was published (the broker confirmed it). */
export async function markCompletionPublished(
  db: Database,
  runId: string,
  generation: number,
): Promise<void> {
  await db
    .update(runs)
    .set({ completionPublished: true })
    .where(and(eq(runs.id, runId), eq(runs.completedGeneration, generation)));
}
