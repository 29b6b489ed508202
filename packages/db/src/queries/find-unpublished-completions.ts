import { and, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runs } from '../schema.js';
import { decideOutcome, durationSince, type Completion } from './completion.js';
import { taskCountsOf } from './count-tasks-by-status.js';

/**
 * Completions claimed but never published (the claiming poller died in between), to publish again.
 * The poller gives `run.completed` a deterministic id, so the event store keeps one whoever publishes.
 */
export async function findUnpublishedCompletions(db: Database, now = new Date()): Promise<Completion[]> {
  const rows = await db
    .select()
    .from(runs)
    .where(and(isNotNull(runs.completedGeneration), eq(runs.completionPublished, false)))
    .limit(100);
  const completions: Completion[] = [];
  for (const run of rows) {
    const counts = taskCountsOf(run);
    const outcome = decideOutcome({ ...run, counts });
    completions.push({
      runId: run.id,
      generation: run.completedGeneration!,
      counts,
      durationMs: durationSince(run.requestedAt, now),
      ...outcome,
    });
  }
  return completions;
}
