import { getTask, type Task } from '@conveyor/db';
import { builder } from './builder.js';

const isoOrNull = (value: string | null) => (value ? `${value.replace(' ', 'T')}Z` : null);

export const TaskRef = builder.objectRef<Task>('Task').implement({
  fields: (t) => ({
    id: t.exposeID('taskId'),
    runId: t.exposeID('runId'),
    selection: t.exposeString('selection', { nullable: true }),
    startDate: t.exposeString('startDate', { nullable: true }),
    endDate: t.exposeString('endDate', { nullable: true }),
    status: t.exposeString('taskStatus'),
    generation: t.exposeInt('generation'),
    attempt: t.exposeInt('attempt'),
    workerId: t.exposeString('workerId', { nullable: true }),
    queuedAt: t.string({ nullable: true, resolve: (task) => isoOrNull(task.queuedAt) }),
    startedAt: t.string({ nullable: true, resolve: (task) => isoOrNull(task.startedAt) }),
    finishedAt: t.string({ nullable: true, resolve: (task) => isoOrNull(task.finishedAt) }),
    durationMs: t.exposeFloat('durationMs', { nullable: true }),
    error: t.exposeString('error', { nullable: true }),
    summary: t.field({ type: 'JSON', nullable: true, resolve: (task) => task.summary }),
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
