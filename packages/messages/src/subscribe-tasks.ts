import { backoffMs } from './backoff.js';
import type { BrokerDeps } from './broker.js';
import { startConsumer, type Subscription } from './consumer.js';
import { classifyError, errorMessage, type ErrorKindName } from './errors.js';
import { parseTask } from './parse.js';
import type { TaskMessage } from './task.js';

export const ATTEMPT_HEADER = 'x-conveyor-attempt';

export type TaskContext = { attempt: number; maxAttempts: number; redelivered: boolean; signal: AbortSignal };
export type FailureDecision = { attempt: number; kind: ErrorKindName; final: boolean };

export type TaskSubscriptionOptions = {
  handler: (task: TaskMessage, context: TaskContext) => Promise<void>;
  /** Called before a failed attempt is retried or dead-lettered (the worker publishes `task.failed`). */
  onFailure?: (task: TaskMessage, error: unknown, decision: FailureDecision) => Promise<void>;
  prefetch: number;
  maxAttempts: number;
  /** First retry delay (ms, default 500), doubled per attempt, ±20 % jitter, capped at `retryMaxMs` (60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
};

/**
 * Consumes the task queue. The only place that decides what happens to a task message:
 * - unparseable → dead-lettered with the reason;
 * - handler resolves → acked;
 * - transient failure with attempts left → republished to the delay queue with the attempt header
 *   raised (back in the queue after the backoff), then acked;
 * - permanent failure or no attempt left → dead-lettered with the reason, then acked;
 * - the subscription is aborted (shutdown past its grace period) → handed back to the queue, whatever
 *   the handler threw (an AbortError, typically): not a failure, the attempt is not counted;
 * - events cannot be published (broker blocked, confirms not keeping up) → the task waits before
 *   its handler starts, so a worker takes no new work it could not report.
 */
export async function subscribeTasks(
  deps: BrokerDeps,
  options: TaskSubscriptionOptions,
): Promise<Subscription> {
  const { names } = deps;
  const baseMs = options.retryBaseMs ?? 500;
  const maxMs = options.retryMaxMs ?? 60_000;
  return startConsumer(deps, {
    subscription: 'tasks',
    queue: names.tasksQueue,
    prefetch: options.prefetch,
    onDelivery: async ({ message, content, settle }, stopping) => {
      const parsed = parseTask(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      const task = parsed.value;
      if (!(await deps.flow.waitUntilWritable(stopping))) return settle.requeue('worker stopping');
      const attempt = Math.max(1, Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1) || 1);
      try {
        await options.handler(task, {
          attempt,
          maxAttempts: options.maxAttempts,
          redelivered: message.fields.redelivered,
          signal: stopping,
        });
        return settle.ack();
      } catch (error) {
        if (stopping.aborted) return settle.requeue('worker stopping');
        const kind = classifyError(error);
        const final = kind === 'permanent' || attempt >= options.maxAttempts;
        await options.onFailure?.(task, error, { attempt, kind, final });
        if (final) {
          return settle.deadLetter(errorMessage(error), {
            'x-conveyor-error-kind': kind,
            [ATTEMPT_HEADER]: attempt,
          });
        }
        await deps.publishRaw('taskRetries', content, {
          messageId: message.properties.messageId as string | undefined,
          expirationMs: backoffMs(attempt, baseMs, maxMs),
          headers: {
            ...(message.properties.headers ?? {}),
            [ATTEMPT_HEADER]: attempt + 1,
            'x-conveyor-last-error': errorMessage(error).slice(0, 500),
          },
        });
        return settle.ack();
      }
    },
  });
}
