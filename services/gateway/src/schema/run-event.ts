import type { RunEventView } from '../run-event.js';
import { builder } from './builder.js';

export const RunEventRef = builder.objectRef<RunEventView>('RunEvent').implement({
  description: 'An event of the run (DESIGN §2.1): run.requested, tasks.queued, task.finished, …',
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type'),
    occurredAt: t.exposeString('occurredAt', { description: 'ISO-8601 UTC' }),
    taskId: t.exposeID('taskId', { nullable: true }),
    producer: t.exposeString('producer'),
    data: t.string({
      description: "The event's data, JSON-encoded",
      resolve: (event) => JSON.stringify(event.data),
    }),
  }),
});

builder.subscriptionField('runEvents', (t) =>
  t.field({
    type: RunEventRef,
    description:
      "The run's recorded events first, then each new one as it is published; completes after run.completed.",
    args: { runId: t.arg.id({ required: true }) },
    subscribe: (_, { runId }, context) => context.live.runEvents(String(runId)),
    resolve: (event) => event,
  }),
);
