import {
  bundleTasks,
  createEvent,
  eventIdFor,
  type ConveyorEvent,
  type QueuedTask,
  type TaskMessage,
  type TaskPayload,
} from '@conveyor/messages';

export type PlanPublisher = {
  publishEvents: (events: ConveyorEvent[]) => Promise<void>;
  publishTasks: (tasks: TaskPayload[]) => Promise<void>;
};

/**
 * Publishes a generation of a run's plan: `run.planned`, the `tasks.queued` batches, then the task
 * messages, then `run.plan-published`, each step confirmed by the broker before the next. Event ids
 * derive from the run and the generation, so publishing the same plan twice records it once. With a
 * `bundleSize` above 1 the task messages are bundles of that many tasks (DESIGN §2.2); the events are
 * the same either way, one `tasks.queued` entry per task.
 */
export async function publishPlan(
  plan: {
    runId: string;
    topologyId: string;
    calculation: string;
    /** The run asked for `reuse` (carried by each task message). */
    reuse?: boolean;
    /** Tasks per task message (default 1: the seed's single message). */
    bundleSize?: number;
    generation: number;
    tasks: QueuedTask[];
    /** The run.retry-requested this generation answers (recorded on run.planned). */
    retryOf?: string;
  },
  deps: PlanPublisher & { batchSize: number; now: () => Date },
): Promise<void> {
  const { runId, generation, tasks } = plan;
  const base = { runId, producer: 'leader', now: deps.now() };
  const events: ConveyorEvent[] = [
    createEvent('run.planned', {
      ...base,
      id: eventIdFor(runId, 'run.planned', generation),
      data: {
        topologyId: plan.topologyId,
        taskCount: tasks.length,
        generation,
        ...(plan.retryOf === undefined ? {} : { retryOf: plan.retryOf }),
      },
    }),
  ];
  for (let i = 0; i < tasks.length; i += 1000) {
    events.push(
      createEvent('tasks.queued', {
        ...base,
        id: eventIdFor(runId, 'tasks.queued', generation, i / 1000),
        data: { tasks: tasks.slice(i, i + 1000), generation },
      }),
    );
  }
  await deps.publishEvents(events);
  const singles = tasks.map((task): TaskMessage => ({
    run_id: runId,
    task_id: task.taskId,
    selection: task.selection,
    start_date: task.startDate,
    end_date: task.endDate,
    topology_id: plan.topologyId,
    calculation: plan.calculation,
    generation,
    ...(plan.reuse ? { reuse: true } : {}),
  }));
  const messages = bundleTasks(singles, plan.bundleSize ?? 1);
  // `batchSize` counts tasks: confirms are awaited about as often whatever the bundle size.
  const perBatch = Math.max(1, Math.floor(deps.batchSize / (plan.bundleSize ?? 1)));
  for (let i = 0; i < messages.length; i += perBatch) {
    await deps.publishTasks(messages.slice(i, i + perBatch));
  }
  // Only now is the plan complete: until this is recorded, a redelivery publishes it again.
  await deps.publishEvents([
    createEvent('run.plan-published', {
      ...base,
      now: deps.now(),
      id: eventIdFor(runId, 'run.plan-published', generation),
      data: { generation, taskCount: tasks.length },
    }),
  ]);
}
