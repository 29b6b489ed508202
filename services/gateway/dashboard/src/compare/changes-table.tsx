// The changed elements of a comparison, one row per selection × window piece × element: A → B.
import type { ElementChangeData } from './queries';

type Figures = NonNullable<ElementChangeData['a']>;

const signed = (n: number | null, digits: number) =>
  n === null ? '' : `${n > 0 ? '+' : ''}${n.toFixed(digits)}`;

function Pair({
  change,
  pick,
  digits,
  delta,
}: {
  change: ElementChangeData;
  pick: (f: Figures) => number;
  digits: number;
  delta?: number | null;
}) {
  const text = (f: Figures | null) => (f ? pick(f).toFixed(digits) : '—');
  return (
    <td class="num nowrap">
      {text(change.a)} → {text(change.b)}
      {delta !== undefined && delta !== null && (
        <span class={delta > 0 ? 'up' : delta < 0 ? 'down' : 'muted'}> ({signed(delta, digits)})</span>
      )}
    </td>
  );
}

export function ChangesTable({
  changes,
  more,
  total,
}: {
  changes: ElementChangeData[];
  more: boolean;
  total: number;
}) {
  if (changes.length === 0) return <div class="card muted">No element changed.</div>;
  return (
    <div class="card">
      <h3>Changed elements</h3>
      <table id="compare-changes">
        <thead>
          <tr>
            <th>Selection</th>
            <th>Window</th>
            <th>Element</th>
            <th class="num">Capacity kW</th>
            <th class="num">Peak kW</th>
            <th class="num">Utilization</th>
            <th class="num">Intervals over</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr
              key={`${change.selection} ${change.from} ${change.elementId}`}
              data-element={change.elementId}
            >
              <td>{change.selection}</td>
              <td class="muted nowrap">
                {change.from} → {change.to}
              </td>
              <td class="mono">{change.elementId}</td>
              <Pair change={change} pick={(f) => f.capacityKw} digits={1} />
              <Pair change={change} pick={(f) => f.peakKw} digits={1} delta={change.peakKwChange} />
              <Pair change={change} pick={(f) => f.utilization} digits={3} delta={change.utilizationChange} />
              <Pair
                change={change}
                pick={(f) => f.overloadedIntervals}
                digits={0}
                delta={change.overloadedIntervalsChange}
              />
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <p class="muted">
          The first {changes.length} of {total} changes (all of them: compareRuns over GraphQL, or conveyor
          run diff).
        </p>
      )}
    </div>
  );
}
