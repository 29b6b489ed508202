import { createEvent, eventIdFor, type ConveyorEvent, type DeadTask } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

export type DeadTaskDeps = {
  publishEvents: (events: ConveyorEvent[]) => Promise<void>;
  logger: Logger;
  /** The task queue's x-delivery-limit: the deliveries a dead-lettered task had when the broker does not say. */
  deliveryLimit: number;
};

/** Who the final task.failed of a dead-lettered task names as its worker. */
export const DEAD_LETTER_WATCHER = 'dead-letter-watcher';

/** A reason a user can act on, from the broker's reason for dead-lettering the task. */
export function deadTaskReason(
  dead: Pick<DeadTask, 'brokerReason' | 'deliveries'>,
  deliveryLimit: number,
): string {
  if (dead.brokerReason === 'delivery_limit')
    return `delivery limit reached: the task crashed or hung its worker ${dead.deliveries ?? deliveryLimit} times`;
  return `the broker dead-lettered the task (${dead.brokerReason})`;
}

/**
 * Turns a task the broker dead-lettered (past its delivery limit: it kept crashing or hanging its
 * worker) into an outcome: a final, permanent task.failed, so that its run ends FAILED and
 * retryFailedTasks can run it again. The id derives from the task and generation: one per copy.
 */
export async function handleTaskDeadLettered(dead: DeadTask, deps: DeadTaskDeps): Promise<void> {
  const { task } = dead;
  const reason = deadTaskReason(dead, deps.deliveryLimit);
  deps.logger.warn({ runId: task.run_id, taskId: task.task_id, reason }, 'task dead-lettered by the broker');
  await deps.publishEvents([
    createEvent('task.failed', {
      id: eventIdFor(task.task_id, 'dead-lettered', task.generation),
      runId: task.run_id,
      taskId: task.task_id,
      producer: 'leader',
      data: {
        attempt: dead.attempt,
        workerId: DEAD_LETTER_WATCHER,
        error: { message: reason, kind: 'permanent' },
        final: true,
        generation: task.generation,
      },
    }),
  ]);
}
