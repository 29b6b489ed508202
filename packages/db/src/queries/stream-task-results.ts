import { decodePartition, type Partition } from '@conveyor/grid';
import type { Database } from '../database.js';

/** Partitions read per query: about 8.5 kB each stored, 16 kB decoded, for 400 cables. */
const PAGE = 64;

// Keyset pagination over the (run_id, selection, start_date) index; task_id breaks ties (a run has
// one task per selection and window piece, but nothing here depends on it).
const FIRST_PAGE = `
  SELECT task_id, selection, start_date, data FROM task_results WHERE run_id = ?
  ORDER BY selection, start_date, task_id LIMIT ?`;
const NEXT_PAGE = `
  SELECT task_id, selection, start_date, data FROM task_results
  WHERE run_id = ? AND (selection > ? OR (selection = ? AND (start_date > ? OR (start_date = ? AND task_id > ?))))
  ORDER BY selection, start_date, task_id LIMIT ?`;

type PageRow = { task_id: string; selection: string; start_date: string; data: Buffer };

/**
 * A run's result partitions, decoded, in the export's order — selection, then start date, each in
 * plain byte order (binary collation) — read a page at a time, so that memory holds one page however
 * large the run. Header + `formatPartitionCsv` of each is `conveyor monolith`'s CSV.
 */
export async function* streamTaskResults(
  db: Database,
  runId: string,
  options: { pageSize?: number } = {},
): AsyncGenerator<Partition> {
  const pageSize = options.pageSize ?? PAGE;
  let last: PageRow | undefined;
  for (;;) {
    const [rows] = last
      ? await db.$client.query(NEXT_PAGE, [
          runId,
          last.selection,
          last.selection,
          last.start_date,
          last.start_date,
          last.task_id,
          pageSize,
        ])
      : await db.$client.query(FIRST_PAGE, [runId, pageSize]);
    const page = rows as PageRow[];
    for (const row of page) yield decodePartition(row.data);
    if (page.length < pageSize) return;
    last = page[page.length - 1];
  }
}
