import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import type { RunRow } from '../projections/run-row.js';
import { runs } from '../schema.js';

export type Run = RunRow;

export async function getRun(db: Database, runId: string): Promise<Run | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  return row;
}
