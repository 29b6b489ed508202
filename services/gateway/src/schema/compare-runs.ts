import { compareRuns, getRun, type Run } from '@conveyor/db';
import type { Cell, ElementChange, ElementFigures, RunComparison } from '@conveyor/grid';
import { COMPARISON_LARGEST, COMPARISON_LISTED } from '@conveyor/grid';
import { isTerminalRunStatus } from '@conveyor/messages';
import type { Context } from '../context.js';
import { builder } from './builder.js';
import { RunNotFinishedError, RunNotFoundError } from './errors.js';
import { connectionType, numericCursor, pageLimit, toPage } from './pagination.js';
import { RunRef } from './run.js';

/**
 * The two runs being compared, and the passes over their partitions started for this response: the
 * `changes` page's pass also gives the summary, so a query asking for both decodes the cells once.
 */
type Comparison = {
  __typename: 'RunComparison';
  a: Run;
  b: Run;
  passes: Map<string, Promise<RunComparison>>;
};

function pass(comparison: Comparison, db: Context['db'], page: { after: number; limit: number }) {
  const key = `${page.after}:${page.limit}`;
  let running = comparison.passes.get(key);
  if (!running) {
    running = compareRuns(db, { a: comparison.a.id, b: comparison.b.id }, page);
    comparison.passes.set(key, running);
  }
  return running;
}

const CellRef = builder.objectRef<Cell>('Cell').implement({
  description: 'A cell of a run: one selection × window piece (one task).',
  fields: (t) => ({
    selection: t.exposeString('selection'),
    from: t.string({ description: '"YYYY-MM-DD HH:mm" UTC', resolve: (cell) => cell.startDate }),
    to: t.string({ description: 'inclusive', resolve: (cell) => cell.endDate }),
  }),
});

const ElementFiguresRef = builder.objectRef<ElementFigures>('ElementFigures').implement({
  description: "An element's figures in one cell of one run.",
  fields: (t) => ({
    capacityKw: t.exposeFloat('capacityKw', { description: 'kW' }),
    peakKw: t.exposeFloat('peakKw', { description: 'kW' }),
    utilization: t.exposeFloat('utilization', { description: 'peakKw / capacityKw' }),
    overloadedIntervals: t.exposeInt('overloadedIntervals'),
  }),
});

const ElementChangeRef = builder.objectRef<ElementChange>('ElementChange').implement({
  description:
    'What changed for one element (cable) in one cell from run a to run b. `a` or `b` is null for an element in one run only; the changes (b − a) are then null.',
  fields: (t) => ({
    selection: t.exposeString('selection'),
    from: t.string({ resolve: (change) => change.startDate }),
    to: t.string({ resolve: (change) => change.endDate }),
    elementId: t.exposeString('elementId'),
    a: t.field({ type: ElementFiguresRef, nullable: true, resolve: (change) => change.a }),
    b: t.field({ type: ElementFiguresRef, nullable: true, resolve: (change) => change.b }),
    peakKwChange: t.exposeFloat('peakKwChange', { nullable: true, description: 'kW' }),
    utilizationChange: t.exposeFloat('utilizationChange', { nullable: true }),
    overloadedIntervalsChange: t.exposeInt('overloadedIntervalsChange', { nullable: true }),
  }),
});

const SummaryRef = builder.objectRef<RunComparison>('ComparisonSummary').implement({
  description: `What changed between the runs, on the cells they share. Lists hold at most ${COMPARISON_LISTED.toLocaleString('en-US')} entries; the counts give the rest.`,
  fields: (t) => ({
    cellsCompared: t.exposeInt('cellsCompared', {
      description: 'Cells (selection × window piece) in both runs',
    }),
    cellsUnchanged: t.exposeInt('cellsUnchanged'),
    cellsChanged: t.exposeInt('cellsChanged', { description: 'Cells with at least one changed element' }),
    changeCount: t.exposeInt('changeCount', { description: 'Element changes in all cells' }),
    onlyInACount: t.exposeInt('onlyInACount'),
    onlyInBCount: t.exposeInt('onlyInBCount'),
    onlyInA: t.field({ type: [CellRef], description: 'Cells of run a only', resolve: (s) => s.onlyInA }),
    onlyInB: t.field({ type: [CellRef], description: 'Cells of run b only', resolve: (s) => s.onlyInB }),
    newlyOverloadedCount: t.exposeInt('newlyOverloadedCount'),
    newlyOverloaded: t.exposeStringList('newlyOverloaded', {
      description: 'Elements overloaded in run b, in no shared cell of run a',
    }),
    noLongerOverloadedCount: t.exposeInt('noLongerOverloadedCount'),
    noLongerOverloaded: t.exposeStringList('noLongerOverloaded', {
      description: 'Elements overloaded in run a, in no shared cell of run b',
    }),
    largestChanges: t.field({
      type: [ElementChangeRef],
      description: `The ${COMPARISON_LARGEST} largest changes in utilization`,
      resolve: (s) => s.largestChanges,
    }),
  }),
});

const ElementChangeConnection = connectionType('ElementChangeConnection', ElementChangeRef);

const RunComparisonRef = builder.objectRef<Comparison>('RunComparison').implement({
  description:
    "What changed from run a to run b, per selection × window piece × element, from the partitions' stats; only cells whose contents differ are decoded.",
  isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'RunComparison',
  fields: (t) => ({
    a: t.field({ type: RunRef, resolve: (comparison) => comparison.a }),
    b: t.field({ type: RunRef, resolve: (comparison) => comparison.b }),
    summary: t.field({
      type: SummaryRef,
      resolve: async (comparison, _, { db }) => {
        // graphql-js calls every sibling resolver before this continues: reuse the changes' pass.
        await Promise.resolve();
        const started = comparison.passes.values().next();
        return started.done ? pass(comparison, db, { after: 0, limit: 0 }) : started.value;
      },
    }),
    changes: t.field({
      type: ElementChangeConnection,
      description: 'Changed elements in cell order (selection, window), then element id',
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (comparison, args, { db }) => {
        const size = pageLimit(args.first);
        const after = numericCursor(args.after) ?? 0;
        const { changes } = await pass(comparison, db, { after, limit: size + 1 });
        const numbered = changes.map((change, i) => ({ change, index: after + i + 1 }));
        const page = toPage(numbered, size, (row) => String(row.index));
        return { nodes: page.nodes.map((row) => row.change), pageInfo: page.pageInfo };
      },
    }),
  }),
});

const CompareRunsResult = builder.unionType('CompareRunsResult', {
  types: [RunComparisonRef, RunNotFoundError.ref, RunNotFinishedError.ref],
});

builder.queryField('compareRuns', (t) =>
  t.field({
    type: CompareRunsResult,
    description:
      'What changed from run a to run b (both ended), per selection × window piece × element; runs over different topologies compare on the cells and elements they share.',
    args: { a: t.arg.id({ required: true }), b: t.arg.id({ required: true }) },
    resolve: async (_, args, { db }) => {
      const runs: Run[] = [];
      for (const field of ['a', 'b'] as const) {
        const run = await getRun(db, String(args[field]));
        if (!run) return RunNotFoundError.make(`no run ${args[field]}`, field);
        if (!isTerminalRunStatus(run.status))
          return RunNotFinishedError.make(
            `run ${run.id} is ${run.status}; compare it once it has ended`,
            field,
          );
        runs.push(run);
      }
      return { __typename: 'RunComparison' as const, a: runs[0]!, b: runs[1]!, passes: new Map() };
    },
  }),
);
