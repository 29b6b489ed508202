import { getRun, streamTaskResults, type Database } from '@conveyor/db';
import { RESULT_CSV_HEADER, formatResultRow } from '@conveyor/grid';

const PATH = /^\/runs\/([0-9a-fA-F-]{36})\/results\.csv$/;

/**
 * `GET /runs/:id/results.csv`: the run's results in the CSV of DESIGN §5, streamed from the database
 * row by row (the same bytes as `conveyor monolith`). Returns null for any other path.
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
  const rows = streamTaskResults(db, runId);
  const encoder = new TextEncoder();
  let headerSent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${RESULT_CSV_HEADER}\n`));
      }
      // Send rows in chunks of ~500 to keep the number of writes small.
      let chunk = '';
      for (let i = 0; i < 500; i++) {
        const next = await rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${formatResultRow(next.value)}\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return respond(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="conveyor-${runId}.csv"`,
    },
  });
}
