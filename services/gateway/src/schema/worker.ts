import type { WorkerView } from '../live/workers.js';
import { builder } from './builder.js';

const OfferedCalculationRef = builder
  .objectRef<{ name: string; version: string }>('OfferedCalculation')
  .implement({
    description: 'A calculation plug-in a worker runs.',
    fields: (t) => ({ name: t.exposeString('name'), version: t.exposeString('version') }),
  });

export const WorkerRef = builder.objectRef<WorkerView>('Worker').implement({
  description: 'A worker as this gateway last heard of it (`worker.heartbeat`).',
  fields: (t) => ({
    id: t.exposeID('id'),
    host: t.exposeString('host'),
    version: t.exposeString('version', { description: "The worker's software version" }),
    calculations: t.field({ type: [OfferedCalculationRef], resolve: (worker) => worker.calculations }),
    slots: t.exposeInt('slots', { description: 'Tasks it computes at once (WORKER_CONCURRENCY)' }),
    busySlots: t.exposeInt('busySlots'),
    tasksDone: t.exposeInt('tasksDone', { description: 'Tasks it finished since it started' }),
    tasksPerSecond: t.exposeFloat('tasksPerSecond', { description: 'Over the last 30 s of heartbeats' }),
    alive: t.exposeBoolean('alive', {
      description: 'Heard from within 3 heartbeat intervals, and not stopping',
    }),
    stopped: t.exposeBoolean('stopped', { description: 'It said it stops, rather than going silent' }),
    startedAt: t.exposeString('startedAt'),
    lastSeenAt: t.string({ resolve: (worker) => new Date(worker.lastSeenAt).toISOString() }),
    heartbeatMs: t.exposeInt('heartbeatMs', { description: 'Its heartbeat interval (ms)' }),
  }),
});

const CalculationRef = builder
  .objectRef<{ name: string; versions: string[]; workers: number }>('Calculation')
  .implement({
    description: 'A calculation the live workers offer.',
    fields: (t) => ({
      name: t.exposeString('name'),
      versions: t.exposeStringList('versions'),
      workers: t.exposeInt('workers', { description: 'Live workers that offer it' }),
    }),
  });

builder.queryField('workers', (t) =>
  t.field({
    type: [WorkerRef],
    description: 'The live workers; with includeGone, also those gone in the last hour.',
    args: { includeGone: t.arg.boolean({ required: false, defaultValue: false }) },
    resolve: (_, { includeGone }, { live }) => live.workers.list({ includeGone: includeGone ?? false }),
  }),
);

builder.queryField('calculations', (t) =>
  t.field({
    type: [CalculationRef],
    description: 'What the live workers offer (startRun accepts these).',
    resolve: (_, __, { live }) => live.workers.calculations(),
  }),
);

builder.subscriptionField('workers', (t) =>
  t.field({
    type: [WorkerRef],
    description: 'The workers now, then again whenever one announces itself, stops or goes silent.',
    args: { includeGone: t.arg.boolean({ required: false, defaultValue: false }) },
    subscribe: (_, { includeGone }, { live }) => live.workers.stream({ includeGone: includeGone ?? false }),
    resolve: (workers) => workers,
  }),
);
