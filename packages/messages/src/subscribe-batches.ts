import type { BrokerDeps } from './broker.js';
import type { EventConsumer } from './catalogue.js';
import { startConsumer, type Settle, type Subscription } from './consumer.js';
import { classifyError, errorMessage } from './errors.js';
import type { ConveyorEvent } from './events.js';
import { parseEvent } from './parse.js';
import { retryWithBackoff } from './retry-with-backoff.js';

export type BatchSubscriptionOptions = {
  consumer: EventConsumer;
  /** Records a batch (one transaction); resolves after the commit. */
  handler: (events: ConveyorEvent[]) => Promise<void>;
  /** Most events per handler call. */
  maxBatch: number;
  /** Longest wait (ms) for a batch to fill. */
  maxWaitMs: number;
  /** Unacked messages the broker sends ahead: at least `maxBatch`, or batches never fill. */
  prefetch: number;
  /** Handler calls for one batch failing transiently before it is split up (default: no limit). */
  maxAttempts?: number;
  /** First retry delay (ms, default 200), doubled per attempt, ±20 % jitter, capped at `retryMaxMs` (10 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
};

type Pending = { event: ConveyorEvent; settle: Settle };

/**
 * Consumes an event queue in batches: up to `maxBatch` events or `maxWaitMs`, one handler call,
 * then every message of the batch is acked. Batches run one after another; what arrives while one
 * runs waits in the buffer and goes out as the next batch as soon as it is done (group commit), so
 * that a slower handler gets larger batches instead of a queue of small ones.
 * - A transient failure (the database is down) keeps the batch unacked and retries it with backoff,
 *   indefinitely by default: nothing is lost, consumption resumes when the dependency returns.
 * - A permanent failure (or attempts exhausted) splits the batch: each event alone, so that only the
 *   bad one is dead-lettered.
 * - Unparseable messages never enter a batch: they are dead-lettered with the reason at once.
 * - An abort (shutdown) stops the retries and hands the batch back.
 */
export async function subscribeEventBatches(
  deps: BrokerDeps,
  options: BatchSubscriptionOptions,
): Promise<Subscription> {
  const queue = deps.names.eventsQueue(options.consumer);
  const retry = {
    attempts: options.maxAttempts,
    baseMs: options.retryBaseMs ?? 200,
    maxMs: options.retryMaxMs ?? 10_000,
  };
  const buffer: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let busy = false;

  const runWithRetry = (events: ConveyorEvent[], signal: AbortSignal) =>
    retryWithBackoff(() => options.handler(events), {
      ...retry,
      signal,
      onRetry: ({ error, attempt }) =>
        deps.logger.warn({ err: error, attempt, events: events.length }, 'batch failed; retrying'),
    });

  const process = async (batch: Pending[], signal: AbortSignal) => {
    const outcome = await runWithRetry(
      batch.map((pending) => pending.event),
      signal,
    );
    if (outcome.ok) return batch.forEach((pending) => pending.settle.ack());
    if (outcome.stop === 'aborted')
      return batch.forEach((pending) => pending.settle.requeue('consumer stopping'));
    deps.logger.warn(
      { err: outcome.error, events: batch.length },
      'batch failed; handling its events one by one',
    );
    for (const pending of batch) {
      const single = await runWithRetry([pending.event], signal);
      if (single.ok) pending.settle.ack();
      else if (single.stop === 'aborted') pending.settle.requeue('consumer stopping');
      else {
        await pending.settle.deadLetter(errorMessage(single.error), {
          'x-conveyor-error-kind': classifyError(single.error),
        });
      }
    }
  };

  /** Starts the next batch unless one is running; the running one calls it again when done. */
  const flush = (signal: AbortSignal) => {
    clearTimeout(timer);
    timer = undefined;
    if (busy || buffer.length === 0) return;
    const batch = buffer.splice(0, options.maxBatch);
    busy = true;
    void process(batch, signal)
      .catch((error: unknown) => {
        // A dead letter could not be published (the broker went away): the rest goes back.
        deps.logger.error({ err: error, queue }, 'batch handling failed; handing its messages back');
        batch.forEach((pending) => pending.settle.requeue('batch handling failed'));
      })
      .finally(() => {
        busy = false;
        flush(signal);
      });
  };

  return startConsumer(deps, {
    subscription: options.consumer,
    queue,
    prefetch: options.prefetch,
    onDelivery: async ({ content, settle }, signal) => {
      const parsed = parseEvent(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      buffer.push({ event: parsed.value, settle });
      if (busy) return; // taken when the running batch is done
      if (buffer.length >= options.maxBatch) flush(signal);
      else timer ??= setTimeout(() => flush(signal), options.maxWaitMs);
    },
  });
}
