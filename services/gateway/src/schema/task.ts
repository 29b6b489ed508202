import { datetimeIso, getTask, type Task } from '@conveyor/db';
import { TaskStatus as TaskStatusValues } from '@conveyor/messages';
import { builder } from './builder.js';

export const TaskStatus = builder.enumType('TaskStatus', { values: TaskStatusValues.options });

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
