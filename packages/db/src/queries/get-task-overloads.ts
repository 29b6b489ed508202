import type { OverloadedCable } from '@conveyor/grid';
import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { taskResults } from '../schema.js';

/** A task's overloaded cables from its result partition's stats, most utilized first; [] without one. */
export async function getTaskOverloads(db: Database, taskId: string): Promise<OverloadedCable[]> {
  const [row] = await db
    .select({ stats: taskResults.stats })
    .from(taskResults)
    .where(eq(taskResults.taskId, taskId));
  return row?.stats.overloaded ?? [];
}
