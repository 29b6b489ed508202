import { datetimeIso, getTask, getTaskOverloads, type Task } from '@conveyor/db';
import type { OverloadedCable } from '@conveyor/grid';
import { TaskStatus as TaskStatusValues } from '@conveyor/messages';
import { builder } from './builder.js';

export const TaskStatus = builder.enumType('TaskStatus', { values: TaskStatusValues.options });

const OverloadedCableRef = builder.objectRef<OverloadedCable>('OverloadedCable').implement({
  description: "A cable overloaded in at least one interval of a task, from its result partition's stats.",
  fields: (t) => ({
    cableId: t.exposeString('cableId'),
    capacityKw: t.exposeFloat('capacityKw', { description: 'kW' }),
    peakKw: t.exposeFloat('peakKw', { description: 'kW' }),
    peakAt: t.exposeString('peakAt', { description: 'First interval at the peak, "YYYY-MM-DD HH:mm" UTC' }),
    utilization: t.exposeFloat('utilization', { description: 'peakKw / capacityKw' }),
    overloadedIntervals: t.exposeInt('overloadedIntervals'),
  }),
});

export const TaskRef = builder.objectRef<Task>('Task').implement({
  description: 'One selection × one piece of the window: a row of run_process.',
  fields: (t) => ({
    id: t.exposeID('taskId'),
    runId: t.exposeID('runId'),
    selection: t.exposeString('selection', { nullable: true }),
    startDate: t.exposeString('startDate', { nullable: true, description: '"YYYY-MM-DD HH:mm" UTC' }),
    endDate: t.exposeString('endDate', { nullable: true, description: '"YYYY-MM-DD HH:mm" UTC, inclusive' }),
    status: t.field({ type: TaskStatus, resolve: (task) => task.taskStatus }),
    generation: t.exposeInt('generation', { description: 'Raised by each retry of the task' }),
    attempt: t.exposeInt('attempt'),
    workerId: t.exposeString('workerId', { nullable: true }),
    queuedAt: t.string({ nullable: true, resolve: (task) => datetimeIso(task.queuedAt) }),
    startedAt: t.string({ nullable: true, resolve: (task) => datetimeIso(task.startedAt) }),
    finishedAt: t.string({ nullable: true, resolve: (task) => datetimeIso(task.finishedAt) }),
    durationMs: t.exposeFloat('durationMs', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    calculationVersion: t.exposeString('calculationVersion', {
      nullable: true,
      description:
        'The version of the calculation plug-in that finished the task (none from a worker that does not say)',
    }),
    overloadedCables: t.field({
      type: [OverloadedCableRef],
      description: 'Its overloaded cables, most utilized first (none until its result is stored)',
      resolve: (task, _, { db }) => getTaskOverloads(db, task.taskId),
    }),
    reusedFrom: t.exposeID('reusedFrom', {
      nullable: true,
      description:
        'The task of an earlier run whose result this one took without computing (`reuse`); null when computed',
    }),
    summary: t.string({
      nullable: true,
      description: "The calculation's summary of the task, JSON-encoded",
      resolve: (task) => (task.summary === null ? null : JSON.stringify(task.summary)),
    }),
  }),
});

builder.queryField('task', (t) =>
  t.field({
    type: TaskRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, { id }, { db }) => (await getTask(db, String(id))) ?? null,
  }),
);
