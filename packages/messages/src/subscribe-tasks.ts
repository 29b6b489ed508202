import { backoffMs } from './backoff.js';
import type { BrokerDeps } from './broker.js';
import { startConsumer, type Subscription } from './consumer.js';
import { classifyError, errorMessage, type ErrorKindName } from './errors.js';
import { parseTask } from './parse.js';
import { createSlots, type Release } from './slots.js';
import type { TaskMessage } from './task.js';

export const ATTEMPT_HEADER = 'x-conveyor-attempt';

export type TaskContext = {
  attempt: number;
  maxAttempts: number;
  redelivered: boolean;
  signal: AbortSignal;
  /**
   * Frees the task's slot for the next task before the handler ends: once its work is done and only
   * its confirms are awaited. Called anyway when the handler ends.
   */
  releaseSlot: Release;
};
export type FailureDecision = { attempt: number; kind: ErrorKindName; final: boolean };

export type TaskSubscriptionOptions = {
  handler: (task: TaskMessage, context: TaskContext) => Promise<void>;
  /** Called before a failed attempt is retried or dead-lettered (the worker publishes `task.failed`). */
  onFailure?: (task: TaskMessage, error: unknown, decision: FailureDecision) => Promise<void>;
  /** Handlers running at once (default: `prefetch`). */
  concurrency?: number;
  /** Deliveries held at once: running, waiting for a slot, or reporting; at least `concurrency`. */
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
 *   its handler starts, so a worker takes no new work it could not report;
 * - the subscription is cancelled while the task waits for a slot → handed back to the queue.
 * At most `concurrency` handlers hold a slot; a prefetch above it keeps the next tasks at hand while
 * finished ones wait for their confirms, so a slot never idles on a broker round trip.
 */
export async function subscribeTasks(
  deps: BrokerDeps,
  options: TaskSubscriptionOptions,
): Promise<Subscription> {
  const { names } = deps;
  const baseMs = options.retryBaseMs ?? 500;
  const maxMs = options.retryMaxMs ?? 60_000;
  const concurrency = options.concurrency ?? options.prefetch;
  if (concurrency > options.prefetch)
    throw new Error(`a prefetch of ${options.prefetch} cannot feed ${concurrency} task slots`);
  const slots = createSlots(concurrency);
  return startConsumer(deps, {
    subscription: 'tasks',
    queue: names.tasksQueue,
    prefetch: options.prefetch,
    onDelivery: async ({ message, content, settle }, stopping, intake) => {
      const parsed = parseTask(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      const task = parsed.value;
      const releaseSlot = await slots.acquire(intake);
      if (!releaseSlot) return settle.requeue('worker stopping');
      if (!(await deps.flow.waitUntilWritable(stopping))) {
        releaseSlot();
        return settle.requeue('worker stopping');
      }
      const attempt = Math.max(1, Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1) || 1);
      try {
        await options.handler(task, {
          attempt,
          maxAttempts: options.maxAttempts,
          redelivered: message.fields.redelivered,
          signal: stopping,
          releaseSlot,
        });
        releaseSlot();
        return settle.ack();
      } catch (error) {
        releaseSlot();
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
        // The retry goes through the delay queue (a per-message TTL dead-letters it back to the task
        // queue) rather than rascal's own recovery (`republish` with `defer`, or a nack): rascal defers
        // with a timer in this process while it holds the message unacked — a prefetch slot idles for
        // the whole backoff, and a worker that dies meanwhile loses the wait (the broker redelivers at
        // once, to a worker that fails the same way). Its delay is also one fixed value, not a backoff
        // that grows per attempt; and a nack would spend the quorum queue's x-delivery-limit, the poison
        // guard. Here the broker holds the wait, durable, and the attempt travels in our own header.
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
