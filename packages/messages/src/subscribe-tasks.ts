import { backoffMs } from './backoff.js';
import type { BrokerDeps } from './broker.js';
import type { Message } from 'amqplib';
import { publishDeadLetter, startConsumer, type Settle, type Subscription } from './consumer.js';
import { classifyError, errorMessage, type ErrorKindName } from './errors.js';
import { parseTaskPayload } from './parse.js';
import { createSlots, type Release } from './slots.js';
import { isTaskBundle, unbundle, type TaskBundle, type TaskMessage } from './task.js';

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
 *
 * A bundle (DESIGN §2.2) is delivered as its tasks, each through the same path as a single task and
 * settled alone (see `settleBundle`); a redelivered bundle is split into single task messages instead.
 */
export async function subscribeTasks(
  deps: BrokerDeps,
  options: TaskSubscriptionOptions,
): Promise<Subscription> {
  const { names } = deps;
  const concurrency = options.concurrency ?? options.prefetch;
  if (concurrency > options.prefetch)
    throw new Error(`a prefetch of ${options.prefetch} cannot feed ${concurrency} task slots`);
  const slots = createSlots(concurrency);
  return startConsumer(deps, {
    subscription: 'tasks',
    queue: names.tasksQueue,
    prefetch: options.prefetch,
    onDelivery: async ({ message, content, settle }, stopping, intake) => {
      const parsed = parseTaskPayload(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      const delivery: TaskDelivery = { message, attempt: attemptOf(message), stopping, intake };
      if (isTaskBundle(parsed.value))
        return settleBundle(parsed.value, delivery, settle, deps, options, slots);
      const own = { content, messageId: message.properties.messageId as string | undefined };
      const outcome = await runTask(parsed.value, own, delivery, deps, options, slots);
      if (outcome.kind === 'done') return settle.ack();
      if (outcome.kind === 'hand-back') return settle.requeue(outcome.reason);
      return settle.deadLetter(outcome.reason, outcome.headers);
    },
  });
}

type TaskDelivery = { message: Message; attempt: number; stopping: AbortSignal; intake: AbortSignal };
type Slots = ReturnType<typeof createSlots>;

/**
 * How one task's attempt ended: `done` (succeeded, or retried through the delay queue: nothing is
 * left to do for this delivery), `hand-back` (not attempted, or interrupted by the shutdown: back to
 * the queue), `dead-letter` (failed for good: its final task.failed is published).
 */
type TaskOutcome =
  | { kind: 'done' }
  | { kind: 'hand-back'; reason: string }
  | { kind: 'dead-letter'; reason: string; headers: Record<string, unknown> };

const attemptOf = (message: Message) =>
  Math.max(1, Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1) || 1);

/** Whether the broker delivered the message before (to a consumer that died or handed it back). */
const isRedelivery = (message: Message) =>
  message.fields.redelivered || Number(message.properties.headers?.['x-delivery-count'] ?? 0) > 0;

/**
 * One attempt of one task, a single message's or a bundle's: waits for a slot and for room to publish
 * events, runs the handler, and on failure decides — with `onFailure` told first — retry (`own`: the
 * task alone as a message, republished to the delay queue with the attempt raised) or dead-letter.
 */
async function runTask(
  task: TaskMessage,
  own: { content: Buffer; messageId: string | undefined },
  delivery: TaskDelivery,
  deps: BrokerDeps,
  options: TaskSubscriptionOptions,
  slots: Slots,
): Promise<TaskOutcome> {
  const { message, attempt, stopping } = delivery;
  const releaseSlot = await slots.acquire(delivery.intake);
  if (!releaseSlot) return { kind: 'hand-back', reason: 'worker stopping' };
  if (!(await deps.flow.waitUntilWritable(stopping))) {
    releaseSlot();
    return { kind: 'hand-back', reason: 'worker stopping' };
  }
  try {
    await options.handler(task, {
      attempt,
      maxAttempts: options.maxAttempts,
      redelivered: message.fields.redelivered,
      signal: stopping,
      releaseSlot,
    });
    releaseSlot();
    return { kind: 'done' };
  } catch (error) {
    releaseSlot();
    if (stopping.aborted) return { kind: 'hand-back', reason: 'worker stopping' };
    const kind = classifyError(error);
    const final = kind === 'permanent' || attempt >= options.maxAttempts;
    await options.onFailure?.(task, error, { attempt, kind, final });
    if (final) {
      return {
        kind: 'dead-letter',
        reason: errorMessage(error),
        headers: { 'x-conveyor-error-kind': kind, [ATTEMPT_HEADER]: attempt },
      };
    }
    // The retry goes through the delay queue (a per-message TTL dead-letters it back to the task
    // queue) rather than rascal's own recovery (`republish` with `defer`, or a nack): rascal defers
    // with a timer in this process while it holds the message unacked — a prefetch slot idles for
    // the whole backoff, and a worker that dies meanwhile loses the wait (the broker redelivers at
    // once, to a worker that fails the same way). Its delay is also one fixed value, not a backoff
    // that grows per attempt; and a nack would spend the quorum queue's x-delivery-limit, the poison
    // guard. Here the broker holds the wait, durable, and the attempt travels in our own header.
    await deps.publishRaw('taskRetries', own.content, {
      messageId: own.messageId,
      expirationMs: backoffMs(attempt, options.retryBaseMs ?? 500, options.retryMaxMs ?? 60_000),
      headers: {
        ...(message.properties.headers ?? {}),
        [ATTEMPT_HEADER]: attempt + 1,
        'x-conveyor-last-error': errorMessage(error).slice(0, 500),
      },
    });
    return { kind: 'done' };
  }
}

/**
 * A bundle's delivery. Redelivered (its worker died or handed it back), it is split into single task
 * messages — published and confirmed, then the bundle is acked — so that a task that crashes its
 * worker is redelivered alone and meets the delivery limit alone. Otherwise each of its tasks runs as
 * a single task would: a transient failure is retried alone (a single task message through the delay
 * queue), a final one dead-lettered alone (a copy of that task in `<ns>.tasks.dead`). The bundle is
 * acked once every task is settled; tasks handed back by a draining worker are published as single
 * messages first, and the whole bundle goes back (to be split) only when none of its tasks ran or the
 * shutdown aborted them.
 */
async function settleBundle(
  bundle: TaskBundle,
  delivery: TaskDelivery,
  settle: Settle,
  deps: BrokerDeps,
  options: TaskSubscriptionOptions,
  slots: Slots,
): Promise<void> {
  const { message } = delivery;
  const tasks = unbundle(bundle);
  const headers = { [ATTEMPT_HEADER]: delivery.attempt };
  if (isRedelivery(message)) {
    await deps.publishTasks(tasks, { headers });
    deps.logger.info(
      { runId: bundle.run_id, tasks: tasks.length },
      'redelivered bundle split into single tasks',
    );
    return settle.ack();
  }
  // Every task settles before the bundle does, also when one of them could not be reported (then the
  // bundle goes back, whole, to be split on its redelivery).
  const settled = await Promise.allSettled(
    tasks.map(async (task) => {
      const own = {
        content: Buffer.from(JSON.stringify(task)),
        messageId: `${task.task_id}:${task.generation}`,
      };
      const outcome = await runTask(task, own, delivery, deps, options, slots);
      if (outcome.kind === 'dead-letter')
        await publishDeadLetter(deps, deps.names.tasksQueue, own.content, outcome.reason, {
          ...(message.properties.headers ?? {}),
          ...outcome.headers,
        });
      return outcome;
    }),
  );
  const outcomes = settled.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
  const handedBack = tasks.filter((_task, i) => outcomes[i]!.kind === 'hand-back');
  if (handedBack.length === tasks.length || (handedBack.length > 0 && delivery.stopping.aborted))
    return settle.requeue('worker stopping');
  if (handedBack.length > 0) await deps.publishTasks(handedBack, { headers });
  return settle.ack();
}
