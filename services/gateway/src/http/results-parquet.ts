import { getRun, streamTaskResults, type Database } from '@conveyor/db';
import { writeResultsParquet } from '@conveyor/grid';

const PATH = /^\/runs\/([0-9a-fA-F-]{36})\/results\.parquet$/;

/**
 * `GET /runs/:id/results.parquet`: the rows of the results CSV as one typed Parquet file
 * (`writeResultsParquet`), streamed a row group (10,000+ rows, whole partitions) at a time from the
 * partitions in the CSV's order. Returns null for any other path.
 */
export async function resultsParquetResponse(
  db: Database,
  pathname: string,
  respond: (body: string | ReadableStream<Uint8Array>, init: ResponseInit) => Response,
): Promise<Response | null> {
  const match = PATH.exec(pathname);
  if (!match) return null;
  const runId = match[1]!.toLowerCase();
  if (!(await getRun(db, runId)))
    return respond(`no run ${runId}\n`, { status: 404, headers: { 'content-type': 'text/plain' } });
  const chunks = writeResultsParquet(streamTaskResults(db, runId));
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      // Ends the partitions' generator too: its page query is not read further.
      await chunks.return(undefined);
    },
  });
  return respond(body, {
    headers: {
      'content-type': 'application/vnd.apache.parquet',
      'content-disposition': `attachment; filename="conveyor-${runId}.parquet"`,
    },
  });
}
