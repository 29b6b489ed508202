import {
  countReusedTasks,
  datetimeIso,
  datetimeMs,
  findStalledTasks,
  getRun,
  getTopology,
  listOverloads,
  listRunEvents,
  listRuns,
  listTasks,
  readRunProgress,
  summarizeResults,
  taskCountsOf,
  type Run,
} from '@conveyor/db';
import { RunStatus as RunStatusValues, type TaskCounts } from '@conveyor/messages';
import type { Context } from '../context.js';
import { recordedEventView } from '../run-event.js';
import { builder } from './builder.js';
import { connectionType, numericCursor, pageLimit, toPage } from './pagination.js';
import { OverloadRef } from './overload.js';
import { RunEventRef } from './run-event.js';
import { taskCountFields } from './task-counts.js';
import { TaskRef, TaskStatus } from './task.js';
import { TopologyRef } from './topology.js';

export const RunStatus = builder.enumType('RunStatus', { values: RunStatusValues.options });
export const Chunk = builder.enumType('Chunk', {
  description:
    'How the window is split into tasks: at UTC midnights, Monday midnights, 1sts of months, or not',
  values: ['NONE', 'DAY', 'WEEK', 'MONTH'] as const,
});

export const RunRef = builder.objectRef<Run>('Run');

const RunRequestRef = builder.objectRef<Run>('RunRequest').implement({
  description: 'What was asked for (the run.requested event).',
  fields: (t) => ({
    topologySource: t.string({ nullable: true, resolve: (run) => run.topologySource }),
    from: t.string({
      nullable: true,
      description: '"YYYY-MM-DD HH:mm" UTC',
      resolve: (run) => run.windowStart,
    }),
    to: t.string({ nullable: true, description: 'inclusive', resolve: (run) => run.windowEnd }),
    chunk: t.field({
      type: Chunk,
      nullable: true,
      resolve: (run) => (run.chunk ? (run.chunk.toUpperCase() as 'NONE' | 'DAY' | 'WEEK' | 'MONTH') : null),
    }),
    selections: t.stringList({
      nullable: true,
      description: 'null: every selection of the topology',
      resolve: (run) => run.selections,
    }),
    calculation: t.string({ nullable: true, resolve: (run) => run.calculation }),
    requestedBy: t.string({ nullable: true, resolve: (run) => run.requestedBy }),
  }),
});

const CountsRef = builder.objectRef<TaskCounts>('TaskCounts').implement({
  description: "The run's tasks per status (total: all of them).",
  fields: (t) => taskCountFields(t),
});

type Summary = Awaited<ReturnType<typeof summarizeResults>> & { reusedTasks: number };
const ResultSummaryRef = builder.objectRef<Summary>('ResultSummary').implement({
  description: "Aggregates of the run's results so far.",
  fields: (t) => ({
    rows: t.exposeInt('rows', { description: 'Rows of the results CSV (one per cable per task)' }),
    cables: t.exposeInt('cables', { description: 'Distinct cables with results' }),
    overloadedCables: t.exposeInt('overloadedCables', {
      description: 'Distinct cables overloaded in at least one interval',
    }),
    maxUtilization: t.exposeFloat('maxUtilization', {
      nullable: true,
      description: 'max peakKw / capacityKw',
    }),
    energyKwh: t.exposeFloat('energyKwh', {
      nullable: true,
      description: 'Σ of the tasks’ energy through the cables leaving their substation (kWh)',
    }),
    reusedTasks: t.exposeInt('reusedTasks', {
      description: 'Tasks (cells) that took an earlier run’s result instead of computing (`reuse`)',
    }),
  }),
});

const progress = (run: Run, context: Context) =>
  context.once(run, 'progress', () => readRunProgress(context.db, run, context.now()));

const TaskConnection = connectionType('TaskConnection', TaskRef);
const RunEventConnection = connectionType('RunEventConnection', RunEventRef);
const OverloadConnection = connectionType('OverloadConnection', OverloadRef);

RunRef.implement({
  description: 'A run: its request, status, progress, tasks, events and results.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: RunStatus, resolve: (run) => run.status }),
    request: t.field({ type: RunRequestRef, resolve: (run) => run }),
    counts: t.field({ type: CountsRef, resolve: (run) => taskCountsOf(run) }),
    percent: t.float({
      description:
        'Tasks FINISHED, FAILED or CANCELLED over all the run’s tasks (at least its first plan), 0–100; ' +
        'a run without tasks: 100 once terminal, else 0',
      resolve: async (run, _, context) => (await progress(run, context)).percent,
    }),
    tasksPerSecond: t.float({
      description:
        'Tasks that became terminal per second over the last 60 s (since planning when the run is younger; ' +
        'before its completion once terminal): the same number as runProgress',
      resolve: async (run, _, context) => (await progress(run, context)).tasksPerSecond,
    }),
    etaSeconds: t.float({
      nullable: true,
      description:
        'Seconds left at that rate; 0 once terminal or no task is left, null while unknown (nothing planned yet, or a rate of 0)',
      resolve: async (run, _, context) => (await progress(run, context)).etaSeconds,
    }),
    durationMs: t.float({
      nullable: true,
      description: 'From the request to completion (or to now while the run goes on)',
      resolve: (run, _, context) => {
        if (!run.requestedAt) return null;
        const end = run.completedAt ? datetimeMs(run.completedAt) : context.now();
        return end - datetimeMs(run.requestedAt);
      },
    }),
    requestedAt: t.string({ nullable: true, resolve: (run) => datetimeIso(run.requestedAt) }),
    startedAt: t.string({
      nullable: true,
      description: 'When it was planned',
      resolve: (run) => datetimeIso(run.startedAt),
    }),
    completedAt: t.string({ nullable: true, resolve: (run) => datetimeIso(run.completedAt) }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it failed, when it did' }),
    generation: t.exposeInt('generation', { description: 'Raised by each retry of failed tasks' }),
    taskCount: t.int({ nullable: true, resolve: (run) => run.taskCount }),
    cancelRequested: t.exposeBoolean('cancelRequested'),
    topology: t.field({
      type: TopologyRef,
      nullable: true,
      resolve: async (run, _, { db }) =>
        run.topologyId ? ((await getTopology(db, run.topologyId)) ?? null) : null,
    }),
    tasks: t.field({
      type: TaskConnection,
      description: 'In plan order (selection, then start date)',
      args: {
        status: t.arg({ type: [TaskStatus], required: false }),
        first: t.arg.int(),
        after: t.arg.string(),
      },
      resolve: async (run, args, { db }) => {
        const size = pageLimit(args.first);
        const rows = await listTasks(db, {
          runId: run.id,
          status: args.status ?? undefined,
          after: numericCursor(args.after),
          limit: size + 1,
        });
        return toPage(rows, size, (task) => String(task.id));
      },
    }),
    stalledTasks: t.field({
      type: [TaskRef],
      description:
        'STARTED tasks with neither their start nor a heartbeat in the last `olderThanSeconds` (the ' +
        "poller's STALL_TIMEOUT_MS, 60 s by default, counts the same in conveyor_poller_stalled_tasks). " +
        'RabbitMQ redelivers such a task once its worker is gone.',
      args: { olderThanSeconds: t.arg.int({ required: true, defaultValue: 60 }) },
      resolve: (run, args, { db, now }) =>
        findStalledTasks(db, {
          runId: run.id,
          olderThanMs: Math.max(1, args.olderThanSeconds) * 1000,
          now: new Date(now()),
        }),
    }),
    events: t.field({
      type: RunEventConnection,
      description: 'In recording order',
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (run, args, { db }) => {
        const size = pageLimit(args.first);
        const rows = await listRunEvents(db, {
          runId: run.id,
          afterPosition: numericCursor(args.after),
          limit: size + 1,
        });
        return toPage(rows.map(recordedEventView), size, (event) => String(event.position));
      },
    }),
    resultSummary: t.field({
      type: ResultSummaryRef,
      description: "From the result partitions' stats (their data is not read)",
      resolve: async (run, _, { db }) => ({
        ...(await summarizeResults(db, run.id)),
        reusedTasks: await countReusedTasks(db, run.id),
      }),
    }),
    overloads: t.field({
      type: OverloadConnection,
      description:
        "The overload report: every element overloaded in a task, most utilized first (then selection, window, element id), from the result partitions' stats",
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (run, args, { db }) => {
        const size = pageLimit(args.first);
        const rows = await listOverloads(db, {
          runId: run.id,
          after: numericCursor(args.after),
          limit: size + 1,
        });
        return toPage(rows, size, (overload) => String(overload.rank));
      },
    }),
    resultsCsvUrl: t.string({
      description: 'Path of the results CSV on this gateway',
      resolve: (run) => `/runs/${run.id}/results.csv`,
    }),
    resultsParquetUrl: t.string({
      description: 'Path of the results as one typed Parquet file (the rows of the CSV) on this gateway',
      resolve: (run) => `/runs/${run.id}/results.parquet`,
    }),
  }),
});

const RunConnection = connectionType('RunConnection', RunRef);

builder.queryFields((t) => ({
  run: t.field({
    type: RunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, { id }, { db }) => (await getRun(db, String(id))) ?? null,
  }),
  runs: t.field({
    type: RunConnection,
    description: 'Newest first.',
    args: {
      status: t.arg({ type: [RunStatus], required: false }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_, args, { db }) => {
      const size = pageLimit(args.first);
      const rows = await listRuns(db, {
        status: args.status ?? undefined,
        after: args.after ?? undefined,
        limit: size + 1,
      });
      return toPage(rows, size, (run) => run.id);
    },
  }),
}));

builder.subscriptionField('runs', (t) =>
  t.field({
    type: RunRef,
    description: 'Every run not yet finished first, then each run as it changes.',
    subscribe: (_, __, context) => context.live.runs(),
    resolve: (run) => run,
  }),
);
