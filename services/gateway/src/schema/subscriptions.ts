import { getRun, type Run } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import { requireToken } from '../context.js';
import type { RunProgress } from '../live/feed.js';
import { builder } from './builder.js';
import { RunRef } from './run.js';

const RunProgressRef = builder.objectRef<RunProgress>('RunProgress').implement({
  fields: (t) => ({
    runId: t.exposeID('runId'),
    status: t.exposeString('status'),
    total: t.exposeInt('total'),
    queued: t.exposeInt('queued'),
    started: t.exposeInt('started'),
    finished: t.exposeInt('finished'),
    failed: t.exposeInt('failed'),
    cancelled: t.exposeInt('cancelled'),
    percent: t.exposeFloat('percent'),
    tasksPerSecond: t.exposeFloat('tasksPerSecond'),
    etaSeconds: t.exposeFloat('etaSeconds', { nullable: true }),
  }),
});

const RunEventRef = builder.objectRef<ConveyorEvent>('RunEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type'),
    occurredAt: t.exposeString('occurredAt'),
    producer: t.exposeString('producer'),
    taskId: t.string({ nullable: true, resolve: (e) => e.taskId ?? null }),
    data: t.field({ type: 'JSON', resolve: (e) => e.data }),
  }),
});

builder.subscriptionFields((t) => ({
  runProgress: t.field({
    type: RunProgressRef,
    description: "The run's current progress first, then every change; completes when the run is terminal.",
    args: { runId: t.arg.id({ required: true }) },
    subscribe: (_, args, context) => {
      requireToken(context);
      return context.live.runProgress(String(args.runId));
    },
    resolve: (progress) => progress,
  }),
  runEvents: t.field({
    type: RunEventRef,
    description: 'Every event of the run as it is published; completes after run.completed.',
    args: { runId: t.arg.id({ required: true }) },
    subscribe: (_, args, context) => {
      requireToken(context);
      return context.live.runEvents(String(args.runId));
    },
    resolve: (event) => event,
  }),
  runs: t.field({
    type: RunRef,
    description: 'A run, each time it changes.',
    subscribe: (_, __, context) => {
      requireToken(context);
      return context.live.runs();
    },
    resolve: async (runId: string, _, { db }): Promise<Run> => {
      const run = await getRun(db, runId);
      if (!run) throw new Error(`run ${runId} is not recorded yet`);
      return run;
    },
  }),
}));
