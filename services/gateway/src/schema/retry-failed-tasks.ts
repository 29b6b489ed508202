import { getRun, listFailedTasks, type Run } from '@conveyor/db';
import { createEvent } from '@conveyor/messages';
import { builder } from './builder.js';
import { NothingToRetryError, RunNotFoundError } from './errors.js';
import { RunRef } from './run.js';

const RetryFailedTasksSuccess = builder
  .objectRef<{ __typename: 'RetryFailedTasksSuccess'; run: Run; taskCount: number }>(
    'RetryFailedTasksSuccess',
  )
  .implement({
    description: 'The retry is requested; the leader queues the failed tasks again in a new generation.',
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'RetryFailedTasksSuccess',
    fields: (t) => ({
      run: t.field({ type: RunRef, resolve: (success) => success.run }),
      taskCount: t.exposeInt('taskCount', { description: 'Failed tasks to be queued again' }),
    }),
  });

const RetryFailedTasksResult = builder.unionType('RetryFailedTasksResult', {
  types: [RetryFailedTasksSuccess, RunNotFoundError.ref, NothingToRetryError.ref],
});

builder.mutationField('retryFailedTasks', (t) =>
  t.field({
    type: RetryFailedTasksResult,
    description: 'Queues the failed tasks of a run again (publishes run.retry-requested).',
    args: { runId: t.arg.id({ required: true }) },
    resolve: async (_, args, context) => {
      const run = await getRun(context.db, String(args.runId));
      if (!run) return RunNotFoundError.make(`no run ${args.runId}`, 'runId');
      const failed = await listFailedTasks(context.db, run.id, null);
      if (failed.length === 0) return NothingToRetryError.make(`run ${run.id} has no failed task`, 'runId');
      await context.publishEvent(
        createEvent('run.retry-requested', {
          runId: run.id,
          producer: 'gateway',
          now: new Date(context.now()),
          data: { taskIds: null, requestedBy: context.requestedBy },
        }),
      );
      return { __typename: 'RetryFailedTasksSuccess' as const, run, taskCount: failed.length };
    },
  }),
);
