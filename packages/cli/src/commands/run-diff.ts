// `conveyor run diff A B [--json]`: what changed from run A to run B (compareRuns), as a table or JSON.
import { parseCommandArgs as parse } from '../arguments.js';
import type { Command } from '../registry.js';
import { formatTable } from '../table.js';
import { UsageError } from '../usage-error.js';
import { client, FORMAT_OPTIONS, guarded, outputFormat } from './run-commands.js';

const USAGE = 'usage: conveyor run diff <run-a> <run-b> [--first N] [--json]';

const CHANGE = `selection from to elementId peakKwChange utilizationChange overloadedIntervalsChange
  a { capacityKw peakKw utilization overloadedIntervals } b { capacityKw peakKw utilization overloadedIntervals }`;
const COMPARE = `query($a: ID!, $b: ID!, $first: Int) { compareRuns(a: $a, b: $b) {
  __typename ... on Error { message field }
  ... on RunComparison {
    summary { cellsCompared cellsUnchanged cellsChanged changeCount onlyInACount onlyInBCount
      onlyInA { selection from to } onlyInB { selection from to }
      newlyOverloadedCount newlyOverloaded noLongerOverloadedCount noLongerOverloaded
      largestChanges { ${CHANGE} } }
    changes(first: $first) { nodes { ${CHANGE} } pageInfo { hasNextPage } } } } }`;

type Figures = { capacityKw: number; peakKw: number; utilization: number; overloadedIntervals: number };
export type ElementChangeRow = {
  selection: string;
  from: string;
  to: string;
  elementId: string;
  peakKwChange: number | null;
  utilizationChange: number | null;
  overloadedIntervalsChange: number | null;
  a: Figures | null;
  b: Figures | null;
};
export type Comparison = {
  summary: {
    cellsCompared: number;
    cellsUnchanged: number;
    cellsChanged: number;
    changeCount: number;
    onlyInACount: number;
    onlyInBCount: number;
    onlyInA: { selection: string; from: string; to: string }[];
    onlyInB: { selection: string; from: string; to: string }[];
    newlyOverloadedCount: number;
    newlyOverloaded: string[];
    noLongerOverloadedCount: number;
    noLongerOverloaded: string[];
    largestChanges: ElementChangeRow[];
  };
  changes: { nodes: ElementChangeRow[]; pageInfo: { hasNextPage: boolean } };
};
type Outcome = Partial<Comparison> & { __typename: string; message?: string };

const signed = (n: number | null, digits: number) =>
  n === null ? '—' : `${n > 0 ? '+' : ''}${n.toFixed(digits)}`;
const figure = (f: Figures | null, pick: (f: Figures) => string) => (f ? pick(f) : '—');

/** The summary, then one line per changed element: A → B with the change. */
export function formatComparison(a: string, b: string, comparison: Comparison): string {
  const { summary, changes } = comparison;
  const listed = (ids: string[], count: number) =>
    count === 0 ? 'none' : `${ids.join(', ')}${count > ids.length ? ` … (${count} in all)` : ''}`;
  const lines = [
    `run ${a} → run ${b}`,
    `  cells        ${summary.cellsCompared} compared: ${summary.cellsChanged} changed, ${summary.cellsUnchanged} unchanged; ${summary.onlyInACount} only in A, ${summary.onlyInBCount} only in B`,
    `  changes      ${summary.changeCount} element change(s)`,
    `  newly overloaded     ${listed(summary.newlyOverloaded, summary.newlyOverloadedCount)}`,
    `  no longer overloaded ${listed(summary.noLongerOverloaded, summary.noLongerOverloadedCount)}`,
  ];
  for (const [label, cells] of [
    ['only in A', summary.onlyInA],
    ['only in B', summary.onlyInB],
  ] as const)
    if (cells.length) lines.push(`  ${label}    ${cells.map((c) => `${c.selection} ${c.from}`).join(', ')}`);
  let text = `${lines.join('\n')}\n`;
  if (changes.nodes.length === 0) return text;
  const rows = changes.nodes.map((c) => [
    c.selection,
    c.from,
    c.elementId,
    `${figure(c.a, (f) => f.capacityKw.toFixed(1))} → ${figure(c.b, (f) => f.capacityKw.toFixed(1))}`,
    `${figure(c.a, (f) => f.peakKw.toFixed(1))} → ${figure(c.b, (f) => f.peakKw.toFixed(1))} (${signed(c.peakKwChange, 1)})`,
    `${figure(c.a, (f) => f.utilization.toFixed(3))} → ${figure(c.b, (f) => f.utilization.toFixed(3))} (${signed(c.utilizationChange, 3)})`,
    `${figure(c.a, (f) => String(f.overloadedIntervals))} → ${figure(c.b, (f) => String(f.overloadedIntervals))} (${signed(c.overloadedIntervalsChange, 0)})`,
  ]);
  text += `\n${formatTable(['SELECTION', 'FROM', 'ELEMENT', 'CAPACITY kW', 'PEAK kW', 'UTILIZATION', 'OVERLOADED'], rows)}`;
  if (changes.pageInfo.hasNextPage)
    text += `… ${summary.changeCount - changes.nodes.length} more (--first, up to 500, or compareRuns over GraphQL)\n`;
  return text;
}

export const runDiffCommand: Command = {
  summary: 'what changed from run A to run B per selection × window × element [--first N] [--json]',
  run: guarded(async (args) => {
    const { values, positionals } = parse(
      { args, options: { first: { type: 'string' }, ...FORMAT_OPTIONS }, allowPositionals: true },
      USAGE,
    );
    const [a, b, ...extra] = positionals;
    if (!a || !b || extra.length) throw new UsageError(USAGE);
    const first = values.first === undefined ? 100 : Number(values.first);
    if (!Number.isInteger(first) || first < 1 || first > 500)
      throw new UsageError('--first must be from 1 to 500');
    const format = outputFormat(values);
    const { compareRuns } = await client().request<{ compareRuns: Outcome }>(COMPARE, { a, b, first });
    if (compareRuns.message !== undefined || !compareRuns.summary || !compareRuns.changes) {
      process.stderr.write(`${compareRuns.__typename}: ${compareRuns.message ?? 'no comparison'}\n`);
      return 1;
    }
    const comparison = { summary: compareRuns.summary, changes: compareRuns.changes };
    process.stdout.write(
      format === 'json'
        ? `${JSON.stringify({ a, b, ...comparison }, null, 2)}\n`
        : formatComparison(a, b, comparison),
    );
    return 0;
  }),
};
