import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runs } from '../schema.js';
import type { Completion } from './completion.js';

/**
 * Claims the completion of a run's generation: true for exactly one caller however many pollers
 * race (the row lock serialises the updates; `-FOUND_ROWS` makes the losers see 0 affected rows).
 */
export async function claimCompletion(
  db: Database,
  completion: Pick<Completion, 'runId' | 'generation'>,
): Promise<boolean> {
  const [result] = await db
    .update(runs)
    .set({ completedGeneration: completion.generation, completionPublished: false })
    .where(
      and(
        eq(runs.id, completion.runId),
        or(isNull(runs.completedGeneration), lt(runs.completedGeneration, completion.generation)),
      ),
    );
  return result.affectedRows === 1;
}
