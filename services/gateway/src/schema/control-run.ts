import { createEvent, eventIdFor } from '@conveyor/messages';
import { getRun, listFailedTasks, type Run } from '@conveyor/db';
import { requireToken } from '../context.js';
import { builder } from './builder.js';
import { NothingToRetryError, RunAlreadyFinishedError, RunNotFoundError } from './errors.js';
import { RunRef } from './run.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

const RunChanged = builder.objectRef<{ __typename: 'RunChanged'; run: Run }>('RunChanged').implement({
  description: 'The request was published; the run reflects it once the poller has recorded it.',
  isTypeOf: (v) => (v as { __typename?: string }).__typename === 'RunChanged',
  fields: (t) => ({ run: t.field({ type: RunRef, resolve: (v) => v.run }) }),
});

const CancelRunResult = builder.unionType('CancelRunResult', {
  types: [RunChanged, RunNotFoundError.ref, RunAlreadyFinishedError.ref],
});
const RetryResult = builder.unionType('RetryFailedTasksResult', {
  types: [RunChanged, RunNotFoundError.ref, NothingToRetryError.ref],
});

builder.mutationFields((t) => ({
  cancelRun: t.field({
    type: CancelRunResult,
    description: 'Cancels a run: queued tasks are skipped, running ones aborted; the run ends CANCELLED.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, args, context) => {
      requireToken(context);
      const run = await getRun(context.db, String(args.id));
      if (!run) return RunNotFoundError.make(`no run ${args.id}`, 'id');
      if (TERMINAL.has(run.status))
        return RunAlreadyFinishedError.make(`run ${run.id} is already ${run.status}`, 'id');
      await context.publishEvent(
        createEvent('run.cancel-requested', {
          id: eventIdFor(run.id, 'run.cancel-requested'),
          runId: run.id,
          producer: 'gateway',
          data: { requestedBy: context.requestedBy },
        }),
      );
      return { __typename: 'RunChanged' as const, run };
    },
  }),
  retryFailedTasks: t.field({
    type: RetryResult,
    description: 'Queues the failed tasks of a run again, in a new generation.',
    args: { runId: t.arg.id({ required: true }) },
    resolve: async (_, args, context) => {
      requireToken(context);
      const run = await getRun(context.db, String(args.runId));
      if (!run) return RunNotFoundError.make(`no run ${args.runId}`, 'runId');
      const failed = await listFailedTasks(context.db, run.id, null);
      if (failed.length === 0) return NothingToRetryError.make(`run ${run.id} has no failed task`, 'runId');
      await context.publishEvent(
        createEvent('run.retry-requested', {
          runId: run.id,
          producer: 'gateway',
          data: { taskIds: null, requestedBy: context.requestedBy },
        }),
      );
      return { __typename: 'RunChanged' as const, run };
    },
  }),
}));
