import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { runProcess } from '../schema.js';

export type Task = typeof runProcess.$inferSelect;

export async function getTask(db: Database, taskId: string): Promise<Task | undefined> {
  const [row] = await db.select().from(runProcess).where(eq(runProcess.taskId, taskId));
  return row;
}
