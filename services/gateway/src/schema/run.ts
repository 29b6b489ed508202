import {
  countTasksByStatus,
  getRun,
  getTopology,
  listRunEvents,
  listRuns,
  listTasks,
  summarizeResults,
  type Run,
} from '@conveyor/db';
import { RunStatus as RunStatusValues, TaskStatus as TaskStatusValues } from '@conveyor/messages';
import { builder } from './builder.js';
import { TaskRef } from './task.js';
import { TopologyRef } from './topology.js';

export const RunStatus = builder.enumType('RunStatus', { values: RunStatusValues.options });
export const TaskStatus = builder.enumType('TaskStatus', { values: TaskStatusValues.options });
export const Chunk = builder.enumType('Chunk', { values: ['NONE', 'DAY', 'WEEK', 'MONTH'] as const });

export const RunRef = builder.objectRef<Run>('Run');

const RunRequestRef = builder.objectRef<Run>('RunRequest').implement({
  fields: (t) => ({
    topologySource: t.string({ nullable: true, resolve: (run) => run.topologySource }),
    from: t.string({ nullable: true, resolve: (run) => run.windowStart }),
    to: t.string({ nullable: true, resolve: (run) => run.windowEnd }),
    chunk: t.string({ nullable: true, resolve: (run) => run.chunk }),
    selections: t.stringList({ nullable: true, resolve: (run) => run.selections }),
    calculation: t.string({ nullable: true, resolve: (run) => run.calculation }),
    requestedBy: t.string({ nullable: true, resolve: (run) => run.requestedBy }),
  }),
});

type Counts = Awaited<ReturnType<typeof countTasksByStatus>>;
const CountsRef = builder.objectRef<Counts>('TaskCounts').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    queued: t.exposeInt('queued'),
    started: t.exposeInt('started'),
    finished: t.exposeInt('finished'),
    failed: t.exposeInt('failed'),
    cancelled: t.exposeInt('cancelled'),
  }),
});

type Summary = Awaited<ReturnType<typeof summarizeResults>>;
const ResultSummaryRef = builder.objectRef<Summary>('ResultSummary').implement({
  fields: (t) => ({
    rows: t.exposeInt('rows'),
    cables: t.exposeInt('cables'),
    overloadedCables: t.exposeInt('overloadedCables'),
    maxUtilization: t.exposeFloat('maxUtilization', { nullable: true }),
  }),
});

type RunEvent = Awaited<ReturnType<typeof listRunEvents>>[number];
export const RecordedEventRef = builder.objectRef<RunEvent>('RecordedEvent').implement({
  fields: (t) => ({
    position: t.int({ resolve: (e) => e.position }),
    id: t.exposeID('eventId'),
    type: t.exposeString('type'),
    taskId: t.exposeString('taskId', { nullable: true }),
    producer: t.exposeString('producer'),
    occurredAt: t.exposeString('occurredAt'),
    data: t.field({ type: 'JSON', resolve: (e) => e.data }),
  }),
});

const isoOrNull = (value: string | null) => (value ? `${value.replace(' ', 'T')}Z` : null);
const clampPage = (first: number | null | undefined) => Math.min(Math.max(first ?? 50, 1), 500);

RunRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: RunStatus, resolve: (run) => run.status }),
    request: t.field({ type: RunRequestRef, resolve: (run) => run }),
    counts: t.field({ type: CountsRef, resolve: (run, _, { db }) => countTasksByStatus(db, run.id) }),
    percent: t.float({
      resolve: async (run, _, { db }) => {
        const counts = await countTasksByStatus(db, run.id);
        const total = Math.max(counts.total, run.taskCount ?? 0);
        return total ? ((counts.finished + counts.failed + counts.cancelled) * 100) / total : 0;
      },
    }),
    taskCount: t.int({ nullable: true, resolve: (run) => run.taskCount }),
    generation: t.exposeInt('generation'),
    reason: t.exposeString('reason', { nullable: true }),
    cancelRequested: t.exposeBoolean('cancelRequested'),
    requestedAt: t.string({ nullable: true, resolve: (run) => isoOrNull(run.requestedAt) }),
    startedAt: t.string({ nullable: true, resolve: (run) => isoOrNull(run.startedAt) }),
    completedAt: t.string({ nullable: true, resolve: (run) => isoOrNull(run.completedAt) }),
    durationMs: t.float({
      nullable: true,
      resolve: (run) => {
        const start = isoOrNull(run.requestedAt);
        if (!start) return null;
        const end = isoOrNull(run.completedAt);
        return (end ? Date.parse(end) : Date.now()) - Date.parse(start);
      },
    }),
    topology: t.field({
      type: TopologyRef,
      nullable: true,
      resolve: async (run, _, { db }) =>
        run.topologyId ? ((await getTopology(db, run.topologyId)) ?? null) : null,
    }),
    tasks: t.field({
      type: [TaskRef],
      args: {
        status: t.arg({ type: [TaskStatus], required: false }),
        first: t.arg.int(),
        after: t.arg.int(),
      },
      resolve: (run, args, { db }) =>
        listTasks(db, {
          runId: run.id,
          status: args.status ?? undefined,
          after: args.after ?? undefined,
          limit: clampPage(args.first),
        }),
    }),
    events: t.field({
      type: [RecordedEventRef],
      args: { first: t.arg.int(), after: t.arg.int() },
      resolve: (run, args, { db }) =>
        listRunEvents(db, {
          runId: run.id,
          afterPosition: args.after ?? undefined,
          limit: clampPage(args.first),
        }),
    }),
    resultSummary: t.field({
      type: ResultSummaryRef,
      resolve: (run, _, { db }) => summarizeResults(db, run.id),
    }),
    resultsCsvUrl: t.string({ resolve: (run) => `/runs/${run.id}/results.csv` }),
  }),
});

const RunPageRef = builder
  .objectRef<{ nodes: Run[]; endCursor: string | null; hasNextPage: boolean }>('RunPage')
  .implement({
    fields: (t) => ({
      nodes: t.field({ type: [RunRef], resolve: (page) => page.nodes }),
      endCursor: t.exposeString('endCursor', { nullable: true }),
      hasNextPage: t.exposeBoolean('hasNextPage'),
    }),
  });

builder.queryFields((t) => ({
  run: t.field({
    type: RunRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, { id }, { db }) => (await getRun(db, String(id))) ?? null,
  }),
  runs: t.field({
    type: RunPageRef,
    description: "Newest first. Pass the previous page's endCursor as `after` for the next page.",
    args: {
      status: t.arg({ type: [RunStatus], required: false }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_, args, { db }) => {
      const limit = clampPage(args.first);
      const rows = await listRuns(db, {
        status: args.status ?? undefined,
        after: args.after ?? undefined,
        limit: limit + 1,
      });
      const nodes = rows.slice(0, limit);
      return { nodes, endCursor: nodes.at(-1)?.id ?? null, hasNextPage: rows.length > limit };
    },
  }),
}));
