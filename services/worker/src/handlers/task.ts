import type { ResultRow } from '@conveyor/db';
import {
  PermanentError,
  errorMessage,
  createEvent,
  createNotification,
  type ConveyorEvent,
  type ConveyorNotification,
  type ErrorKind,
  type TaskContext as SubscriptionContext,
  type TaskMessage,
} from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';
import type { Calculation } from '../calculations/calculation.js';

export type TaskDeps = {
  workerId: string;
  calculations: Map<string, Calculation>;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  publishNotification: (notification: ConveyorNotification) => Promise<void>;
  /** Whether the task's run was cancelled (cached briefly). */
  isRunCancelled: (runId: string) => Promise<boolean>;
  loadTopology: (topologyId: string) => Promise<unknown>;
  /** Writes a task's results, retrying through a database outage until `signal` aborts. */
  writeResults: (
    result: { runId: string; taskId: string; rows: ResultRow[]; replace: boolean },
    signal: AbortSignal,
  ) => Promise<void>;
  heartbeatMs: number;
  logger: Logger;
  now: () => Date;
  onTaskDone: (calculation: string, outcome: 'finished' | 'cancelled', seconds: number) => void;
};

export type TaskContext = Pick<SubscriptionContext, 'attempt' | 'redelivered' | 'signal' | 'releaseSlot'>;

/**
 * Computes one task: skips it when its run is cancelled, otherwise publishes `task.started`, runs the
 * calculation (aborted on cancellation or shutdown), writes its results, publishes `task.finished`.
 * Errors go back to the subscription, which decides retry or dead-letter and calls `reportTaskFailure`.
 */
export async function handleTask(task: TaskMessage, context: TaskContext, deps: TaskDeps): Promise<void> {
  const event = { runId: task.run_id, taskId: task.task_id, producer: 'worker' };
  const generation = task.generation;
  if (await deps.isRunCancelled(task.run_id)) {
    context.releaseSlot();
    await deps.publishEvent(
      createEvent('task.cancelled', { ...event, data: { workerId: deps.workerId, generation } }),
    );
    return;
  }
  const calculation = deps.calculations.get(task.calculation);
  if (!calculation) throw new PermanentError(`unknown calculation "${task.calculation}"`);

  const startedAt = deps.now();
  const clock = performance.now();
  // Not awaited here: the calculation need not wait for the broker. The confirm is awaited together
  // with task.finished's (same channel, so published before it), before the task is acked.
  const started = deps.publishEvent(
    createEvent('task.started', {
      ...event,
      data: {
        attempt: context.attempt,
        workerId: deps.workerId,
        startedAt: startedAt.toISOString(),
        generation,
      },
      now: startedAt,
    }),
  );
  // A failed attempt is reported by task.failed, whatever became of its task.started.
  started.catch(() => undefined);

  // Aborted on the run's cancellation or on shutdown (`context.signal`); one controller with a
  // listener instead of AbortSignal.any, whose signals cost a lot per task on Node 20.
  const cancelled = new AbortController();
  const stop = () => cancelled.abort(context.signal.reason);
  if (context.signal.aborted) stop();
  else context.signal.addEventListener('abort', stop, { once: true });
  let progress: number | null = null;
  const heartbeat = setInterval(() => {
    void deps
      .publishNotification(
        createNotification('task.heartbeat', {
          ...event,
          data: { workerId: deps.workerId, attempt: context.attempt, generation, progress },
        }) as ConveyorNotification,
      )
      .catch(() => undefined);
    void deps.isRunCancelled(task.run_id).then(
      (yes) => yes && cancelled.abort(new Error('run cancelled')),
      () => undefined,
    );
  }, deps.heartbeatMs);

  let output;
  try {
    output = await calculation.run(task, {
      attempt: context.attempt,
      signal: cancelled.signal,
      loadTopology: deps.loadTopology,
      reportProgress: (fraction) => (progress = Math.min(1, Math.max(0, fraction))),
    });
  } catch (error) {
    if (!cancelled.signal.aborted || context.signal.aborted) throw error;
  } finally {
    clearInterval(heartbeat);
    context.signal.removeEventListener('abort', stop);
  }

  const seconds = (deps.now().getTime() - startedAt.getTime()) / 1000;
  if (!output) {
    context.releaseSlot();
    await Promise.all([
      started,
      deps.publishEvent(
        createEvent('task.cancelled', { ...event, data: { workerId: deps.workerId, generation } }),
      ),
    ]);
    deps.onTaskDone(task.calculation, 'cancelled', seconds);
    return;
  }
  const computedMs = performance.now() - clock;
  // A first, never-redelivered attempt cannot have rows from an earlier one to replace.
  const replace = context.attempt > 1 || context.redelivered;
  if (output.rows.length > 0 || replace) {
    await deps.writeResults(
      { runId: task.run_id, taskId: task.task_id, rows: output.rows, replace },
      context.signal,
    );
  }
  const writtenMs = performance.now() - clock;
  context.releaseSlot();
  const finishedAt = deps.now();
  const finished = deps.publishEvent(
    createEvent('task.finished', {
      ...event,
      data: {
        attempt: context.attempt,
        workerId: deps.workerId,
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        summary: output.summary,
        resultRows: output.rows.length,
        generation,
      },
      now: finishedAt,
    }),
  );
  await Promise.all([started, finished]);
  deps.onTaskDone(task.calculation, 'finished', seconds);
  // Where a task's time goes (ms since it was taken), for tuning.
  deps.logger.debug(
    {
      taskId: task.task_id,
      computedMs,
      writtenMs,
      doneMs: performance.now() - clock,
    },
    'task finished',
  );
}

/** Publishes `task.failed` for the subscription's decision about a failed attempt. */
export async function reportTaskFailure(
  task: TaskMessage,
  error: unknown,
  decision: { attempt: number; kind: ErrorKind; final: boolean },
  deps: Pick<TaskDeps, 'publishEvent' | 'workerId' | 'logger'>,
): Promise<void> {
  const message = errorMessage(error);
  deps.logger.warn(
    { runId: task.run_id, taskId: task.task_id, ...decision, error: message },
    'task attempt failed',
  );
  await deps.publishEvent(
    createEvent('task.failed', {
      runId: task.run_id,
      taskId: task.task_id,
      producer: 'worker',
      data: {
        attempt: decision.attempt,
        workerId: deps.workerId,
        error: { message, kind: decision.kind },
        final: decision.final,
        generation: task.generation,
      },
    }),
  );
}
