import type { RunProgressView } from '../live/run-progress-stream.js';
import { builder } from './builder.js';
import { RunStatus } from './run.js';
import { taskCountFields } from './task-counts.js';

const RunProgressRef = builder.objectRef<RunProgressView>('RunProgress').implement({
  description: "A run's status and task counts, with its rate and ETA.",
  fields: (t) => ({
    runId: t.exposeID('runId'),
    status: t.field({ type: RunStatus, resolve: (progress) => progress.status }),
    ...taskCountFields(t),
    percent: t.exposeFloat('percent', { description: 'As Run.percent: 0–100' }),
    tasksPerSecond: t.exposeFloat('tasksPerSecond', {
      description: 'As Run.tasksPerSecond: terminal tasks per second over the last 60 s',
    }),
    etaSeconds: t.exposeFloat('etaSeconds', {
      nullable: true,
      description: 'As Run.etaSeconds: 0 once terminal or no task is left, null while unknown',
    }),
  }),
});

builder.subscriptionField('runProgress', (t) =>
  t.field({
    type: RunProgressRef,
    description:
      "The run's current progress first, then every change; completes once the run is terminal (after run.completed).",
    args: { runId: t.arg.id({ required: true }) },
    subscribe: (_, { runId }, context) => context.live.runProgress(String(runId)),
    resolve: (progress) => progress,
  }),
);
