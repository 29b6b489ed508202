import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { insertRows } from '../insert-rows.js';
import { taskResults } from '../schema.js';
import type { ResultRow } from './result-row.js';

const CHUNK = 1000; // rows per INSERT

/**
 * Writes a task's results in one transaction. `replace` (default true) first deletes the rows of an
 * earlier attempt, so a redelivered task never leaves two sets of rows; a worker passes false for a
 * first delivery, which cannot have any. READ COMMITTED: the delete locks the task's own rows only,
 * never the gaps between other tasks' rows, so workers writing at once do not deadlock.
 */
export async function writeTaskResults(
  db: Database,
  result: { runId: string; taskId: string; rows: ResultRow[]; replace?: boolean },
): Promise<void> {
  const replace = result.replace ?? true;
  if (!replace && result.rows.length <= CHUNK) {
    // One INSERT is one transaction under autocommit: no BEGIN / isolation level / COMMIT round trips.
    const rows = result.rows.map((row) => ({ ...row, runId: result.runId, taskId: result.taskId }));
    await insertRows(db, taskResults, rows, { overwrite: { except: ['task_id', 'cable_id'] } });
    return;
  }
  await db.transaction(
    async (tx) => {
      if (replace) await tx.delete(taskResults).where(eq(taskResults.taskId, result.taskId));
      for (let i = 0; i < result.rows.length; i += CHUNK) {
        const rows = result.rows
          .slice(i, i + CHUNK)
          .map((row) => ({ ...row, runId: result.runId, taskId: result.taskId }));
        // A row written twice (a redelivery written with replace: false) keeps the last values.
        await insertRows(tx, taskResults, rows, { overwrite: { except: ['task_id', 'cable_id'] } });
      }
    },
    { isolationLevel: 'read committed' },
  );
}
