// The run's overload report (Run.overloads: every element overloaded in a task, most utilized first),
// with a CSV of all its entries made on the page from the same query.
import { useState } from 'preact/hooks';
import { saveFile, type Api } from '../api';
import type { ResultOf } from '../graphql';
import { percentText } from '../format';
import { useAbortableEffect, useApi } from '../live';
import { OverloadsQuery, type OverloadData } from './queries';

const SHOWN = 20;
const PAGE = 500;
/** Entries in the CSV at most (200 pages): the report of 1,000 selections × 12 months × 10 cables. */
const CSV_MAX = 100_000;

const CSV_HEADER =
  'rank,selection,from,to,cable_id,capacity_kw,peak_kw,peak_at,utilization,overloaded_intervals';
/** A field quoted when it holds a comma, a quote or a line break (RFC 4180). */
const field = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const overloadCsvLine = (o: OverloadData) =>
  [
    o.rank,
    o.selection,
    o.from,
    o.to,
    o.cableId,
    o.capacityKw,
    o.peakKw,
    o.peakAt,
    o.utilization,
    o.overloadedIntervals,
  ]
    .map(field)
    .join(',');

async function downloadCsv(api: Api, runId: string): Promise<void> {
  const lines = [CSV_HEADER];
  let after: string | null = null;
  for (;;) {
    const { run }: ResultOf<typeof OverloadsQuery> = await api.query(OverloadsQuery, {
      id: runId,
      first: PAGE,
      after,
    });
    if (!run) break;
    lines.push(...run.overloads.nodes.map(overloadCsvLine));
    if (!run.overloads.pageInfo.hasNextPage || lines.length > CSV_MAX) break;
    after = run.overloads.pageInfo.endCursor;
  }
  saveFile(new Blob([`${lines.join('\n')}\n`], { type: 'text/csv' }), `conveyor-${runId}-overloads.csv`);
}

export function OverloadReport({ runId, onError }: { runId: string; onError: (message: string) => void }) {
  const api = useApi();
  const [overloads, setOverloads] = useState<{ nodes: OverloadData[]; more: boolean } | null>(null);
  useAbortableEffect(
    async (signal) => {
      const { run } = await api.query(OverloadsQuery, { id: runId, first: SHOWN }, signal);
      setOverloads(run && { nodes: run.overloads.nodes, more: run.overloads.pageInfo.hasNextPage });
    },
    [api, runId],
    (error) => onError(error.message),
  );
  if (!overloads) return null;
  return (
    <div class="card" id="overloads">
      <h3>
        Overload report{' '}
        {overloads.nodes.length > 0 && (
          <button
            type="button"
            id="overloads-csv"
            onClick={() => void downloadCsv(api, runId).catch((error: Error) => onError(error.message))}
          >
            CSV
          </button>
        )}
      </h3>
      {overloads.nodes.length === 0 ? (
        <p class="muted">No element is overloaded.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th class="num">#</th>
              <th>Cable</th>
              <th>Selection</th>
              <th>Window</th>
              <th class="num">Capacity kW</th>
              <th class="num">Peak kW</th>
              <th>Peak at</th>
              <th class="num">Utilization</th>
              <th class="num">Intervals over</th>
            </tr>
          </thead>
          <tbody>
            {overloads.nodes.map((o) => (
              <tr key={o.rank}>
                <td class="num">{o.rank}</td>
                <td class="mono">{o.cableId}</td>
                <td>{o.selection}</td>
                <td class="muted">
                  {o.from} → {o.to}
                </td>
                <td class="num">{o.capacityKw.toFixed(1)}</td>
                <td class="num">{o.peakKw.toFixed(1)}</td>
                <td class="mono">{o.peakAt}</td>
                <td class="num">{percentText(o.utilization * 100)}</td>
                <td class="num">{o.overloadedIntervals}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {overloads.more && <p class="muted">The {SHOWN} most utilized; the CSV has them all.</p>}
    </div>
  );
}
