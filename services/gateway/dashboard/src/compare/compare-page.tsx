// Two ended runs side by side (compareRuns): what changed per selection × window piece × element.
import { useState } from 'preact/hooks';
import { percentText, whenText } from '../format';
import { useAbortableEffect, useApi } from '../live';
import { Notice } from '../notice';
import { hrefOf } from '../route';
import { CompareRunsQuery, EndedRunsQuery, type CompareRunsData, type EndedRunData } from './queries';
import { ChangesTable } from './changes-table';

const RUNS_OFFERED = 100;
const CHANGES_SHOWN = 200;

function RunPicker({ name, runs, value }: { name: string; runs: EndedRunData[]; value: string | undefined }) {
  return (
    <label>
      Run {name.toUpperCase()}{' '}
      <select name={name} id={`compare-${name}`} value={value ?? ''}>
        <option value="">choose a run</option>
        {runs.map((run) => (
          <option key={run.id} value={run.id}>
            {run.id.slice(0, 8)} · {run.status} · {run.request.topologySource ?? '?'} ·{' '}
            {whenText(run.requestedAt)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Picker({ a, b }: { a?: string; b?: string }) {
  const api = useApi();
  const [runs, setRuns] = useState<EndedRunData[]>([]);
  useAbortableEffect(
    async (signal) => setRuns((await api.query(EndedRunsQuery, { first: RUNS_OFFERED }, signal)).runs.nodes),
    [api],
    () => setRuns([]),
  );
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const chosen = (key: string) => {
      const value = form.get(key);
      return typeof value === 'string' ? value : '';
    };
    const [chosenA, chosenB] = [chosen('a'), chosen('b')];
    if (chosenA && chosenB) location.hash = hrefOf({ page: 'compare', a: chosenA, b: chosenB });
  };
  return (
    <form class="card compare-picker" onSubmit={submit}>
      <h3>Compare two runs</h3>
      <RunPicker name="a" runs={runs} value={a} />
      <RunPicker name="b" runs={runs} value={b} />
      <button type="submit" id="compare-go">
        Compare
      </button>
    </form>
  );
}

function Summary({ comparison }: { comparison: Extract<CompareRunsData, { __typename: 'RunComparison' }> }) {
  const { summary } = comparison;
  const listed = (ids: string[], count: number) =>
    count === 0 ? '—' : `${ids.join(', ')}${count > ids.length ? ` … (${count} in all)` : ''}`;
  return (
    <div class="card" id="compare-summary">
      <h3>What changed</h3>
      <div class="stats">
        <div>
          <b id="compare-cells-changed">{summary.cellsChanged}</b>cells changed of {summary.cellsCompared}
        </div>
        <div>
          <b id="compare-change-count">{summary.changeCount}</b>element changes
        </div>
        <div>
          <b>{summary.onlyInACount}</b>cells only in A
        </div>
        <div>
          <b>{summary.onlyInBCount}</b>cells only in B
        </div>
      </div>
      <p>
        Newly overloaded:{' '}
        <span class="mono" id="compare-newly">
          {listed(summary.newlyOverloaded, summary.newlyOverloadedCount)}
        </span>
      </p>
      <p>
        No longer overloaded:{' '}
        <span class="mono">{listed(summary.noLongerOverloaded, summary.noLongerOverloadedCount)}</span>
      </p>
      {summary.largestChanges.length > 0 && (
        <p class="muted">
          Largest change:{' '}
          {(() => {
            const largest = summary.largestChanges[0]!;
            return `${largest.elementId} in ${largest.selection} ${largest.from}, utilization ${largest.utilizationChange! > 0 ? '+' : ''}${percentText(largest.utilizationChange! * 100)}`;
          })()}
        </p>
      )}
    </div>
  );
}

export function ComparePage({ a, b }: { a?: string; b?: string }) {
  const api = useApi();
  const [comparison, setComparison] = useState<CompareRunsData | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useAbortableEffect(
    async (signal) => {
      setComparison(null);
      setNotice(null);
      if (!a || !b) return;
      setComparison((await api.query(CompareRunsQuery, { a, b, first: CHANGES_SHOWN }, signal)).compareRuns);
    },
    [api, a, b],
    (error) => setNotice(error.message),
  );
  return (
    <>
      <Notice message={notice} />
      <Picker a={a} b={b} />
      {a && b && comparison === null && !notice && <p class="muted">Comparing…</p>}
      {comparison?.__typename === 'RunComparison' ? (
        <>
          <Summary comparison={comparison} />
          <ChangesTable
            changes={comparison.changes.nodes}
            more={comparison.changes.pageInfo.hasNextPage}
            total={comparison.summary.changeCount}
          />
        </>
      ) : (
        comparison && (
          <Notice
            message={`${comparison.__typename}: ${'message' in comparison ? comparison.message : ''}`}
          />
        )
      )}
    </>
  );
}
