import type { BrokerDeps } from './broker.js';
import { startConsumer, type Subscription } from './consumer.js';
import { parseTaskPayload } from './parse.js';
import { retryWithBackoff } from './retry-with-backoff.js';
import { ATTEMPT_HEADER } from './subscribe-tasks.js';
import { isTaskBundle, unbundle, type TaskMessage } from './task.js';

/** Why the broker dead-lettered a task message, from its headers. */
export type DeadTask = {
  task: TaskMessage;
  /** `delivery_limit`, `rejected`, `expired`, … (x-first-death-reason). */
  brokerReason: string;
  /** Deliveries the message had, when the broker says (x-delivery-count). */
  deliveries: number | undefined;
  /** The attempt the task was at (our own header, raised by each retry through the delay queue). */
  attempt: number;
};

export type DeadTaskSubscriptionOptions = {
  /** Publishes the task's final outcome; resolves once the broker confirmed it. */
  handler: (dead: DeadTask) => Promise<void>;
  prefetch?: number;
};

/**
 * Consumes the copies of what the broker dead-letters from `<ns>.tasks` (the `<ns>.tasks.dead-watch`
 * queue; `<ns>.tasks.dead` keeps the originals for people). Messages a Conveyor consumer dead-lettered
 * itself (`x-conveyor-reason`: the worker published the task's final task.failed first), and messages
 * that are not tasks, need nothing and are acked. A dead-lettered bundle is each of its tasks dead. The
 * handler is retried with backoff while it fails (the broker away), without a deadline: the outcome
 * must not be lost.
 */
export async function subscribeDeadTasks(
  deps: BrokerDeps,
  options: DeadTaskSubscriptionOptions,
): Promise<Subscription> {
  return startConsumer(deps, {
    subscription: 'deadTasks',
    queue: deps.names.tasksDeadWatchQueue,
    prefetch: options.prefetch ?? 10,
    onDelivery: async ({ message, content, settle }, signal) => {
      const headers = message.properties.headers ?? {};
      const parsed = parseTaskPayload(content);
      if (!parsed.ok || headers['x-conveyor-reason'] !== undefined) return settle.ack();
      const tasks = isTaskBundle(parsed.value) ? unbundle(parsed.value) : [parsed.value];
      const dead = tasks.map((task): DeadTask => ({
        task,
        brokerReason: String(headers['x-first-death-reason'] ?? 'unknown'),
        deliveries: Number(headers['x-delivery-count']) || undefined,
        attempt: Math.max(1, Number(headers[ATTEMPT_HEADER] ?? 1) || 1),
      }));
      const outcome = await retryWithBackoff(
        async () => {
          for (const task of dead) await options.handler(task);
        },
        {
          baseMs: 200,
          maxMs: 10_000,
          signal,
          classify: () => 'transient',
          onRetry: ({ error }) =>
            deps.logger.warn({ err: error }, 'dead task outcome not published; retrying'),
        },
      );
      if (outcome.ok) settle.ack();
      else settle.requeue('consumer stopping');
    },
  });
}
