import { getRun, type Run } from '@conveyor/db';
import { createEvent, eventIdFor, isTerminalRunStatus } from '@conveyor/messages';
import { builder } from './builder.js';
import { RunAlreadyFinishedError, RunNotFoundError } from './errors.js';
import { RunRef } from './run.js';

const CancelRunSuccess = builder
  .objectRef<{ __typename: 'CancelRunSuccess'; run: Run }>('CancelRunSuccess')
  .implement({
    description: 'The cancellation is requested; the run ends CANCELLED once the poller has recorded it.',
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'CancelRunSuccess',
    fields: (t) => ({ run: t.field({ type: RunRef, resolve: (success) => success.run }) }),
  });

const CancelRunResult = builder.unionType('CancelRunResult', {
  types: [CancelRunSuccess, RunNotFoundError.ref, RunAlreadyFinishedError.ref],
});

builder.mutationField('cancelRun', (t) =>
  t.field({
    type: CancelRunResult,
    description:
      'Cancels a run (publishes run.cancel-requested): queued tasks are skipped, running ones end.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, args, context) => {
      const run = await getRun(context.db, String(args.id));
      if (!run) return RunNotFoundError.make(`no run ${args.id}`, 'id');
      if (isTerminalRunStatus(run.status))
        return RunAlreadyFinishedError.make(`run ${run.id} is already ${run.status}`, 'id');
      await context.publishEvent(
        createEvent('run.cancel-requested', {
          // One cancellation per run, however often it is asked for.
          id: eventIdFor(run.id, 'run.cancel-requested'),
          runId: run.id,
          producer: 'gateway',
          now: new Date(context.now()),
          data: { requestedBy: context.requestedBy },
        }),
      );
      return { __typename: 'CancelRunSuccess' as const, run };
    },
  }),
);
