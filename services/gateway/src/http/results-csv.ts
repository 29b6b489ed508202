import { getRun, streamTaskResults, type Database } from '@conveyor/db';
import { RESULT_CSV_HEADER, formatPartitionCsv } from '@conveyor/grid';

const PATH = /^\/runs\/([0-9a-fA-F-]{36})\/results\.csv$/;

/**
 * `GET /runs/:id/results.csv`: the run's results in the CSV of DESIGN §5 — the header, then each result
 * partition's lines in (selection, start date) order, the same bytes as `conveyor monolith` — streamed
 * from the database a page of partitions at a time. Returns null for any other path.
 */
export async function resultsCsvResponse(
  db: Database,
  pathname: string,
  respond: (body: string | ReadableStream<Uint8Array>, init: ResponseInit) => Response,
): Promise<Response | null> {
  const match = PATH.exec(pathname);
  if (!match) return null;
  const runId = match[1]!.toLowerCase();
  if (!(await getRun(db, runId)))
    return respond(`no run ${runId}\n`, { status: 404, headers: { 'content-type': 'text/plain' } });
  const partitions = streamTaskResults(db, runId);
  const encoder = new TextEncoder();
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${RESULT_CSV_HEADER}\n`));
      }
      // One chunk per partition (about 50 kB of text for 400 cables); an empty one sends nothing.
      for (;;) {
        const next = await partitions.next();
        if (next.done) {
          controller.close();
          return;
        }
        const text = formatPartitionCsv(next.value);
        if (!text) continue;
        controller.enqueue(encoder.encode(text));
        return;
      }
    },
    async cancel() {
      await partitions.return(undefined);
    },
  });
  return respond(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="conveyor-${runId}.csv"`,
    },
  });
}
