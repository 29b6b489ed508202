import type { BrokerDeps } from './broker.js';
import type { EventConsumer } from './catalogue.js';
import { startConsumer, type Settle, type Subscription } from './consumer.js';
import { classifyError, errorMessage } from './errors.js';
import type { ConveyorEvent } from './events.js';
import { parseEventDelivery } from './parse.js';
import { retryWithBackoff } from './retry-with-backoff.js';

export type BatchSubscriptionOptions = {
  consumer: EventConsumer;
  /** Records a batch (one transaction); resolves after the commit. */
  handler: (events: ConveyorEvent[]) => Promise<void>;
  /** Most events per handler call (a delivery's events are never split between calls). */
  maxBatch: number;
  /**
   * Longest wait (ms) for a batch to fill while no batch is running. 0 (the default): none — the
   * deliveries already received go out at once, and what arrives while a batch runs forms the next.
   */
  maxWaitMs?: number;
  /**
   * Batches handled at once (default 1). More overlap their transactions as that many consumers
   * would: the handler must not depend on the order of batches (the poller's projections do not).
   */
  concurrency?: number;
  /**
   * Unacked messages the broker sends ahead. A batch message holds up to 1,000 events, so this bounds
   * the consumer's memory; a batch of single envelopes holds at most this many events.
   */
  prefetch: number;
  /** Handler calls for one batch failing transiently before it is split up (default: no limit). */
  maxAttempts?: number;
  /** First retry delay (ms, default 200), doubled per attempt, ±20 % jitter, capped at `retryMaxMs` (10 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
};

/** One delivery's events: a single envelope, or the valid entries of a batch message (DESIGN §2.4). */
type Pending = { events: ConveyorEvent[]; settle: Settle; batch: boolean };

/**
 * Consumes an event queue in batches: the events of whole deliveries, up to `maxBatch`, in one
 * handler call, then every delivery of the batch is acked, each on its own. Batches run
 * one after another; what arrives while one runs waits in the buffer and goes out as the next batch
 * as soon as it is done (group commit), so that a slower handler gets larger batches instead of a
 * queue of small ones, and an idle consumer records a delivery at once.
 * - A transient failure (the database is down) keeps the batch unacked and retries it with backoff,
 *   indefinitely by default: nothing is lost, consumption resumes when the dependency returns.
 * - A permanent failure (or attempts exhausted) splits the batch: each event alone, so that only the
 *   bad one is dead-lettered (an entry of a batch message on its own, with the reason).
 * - Unparseable messages never enter a batch: they are dead-lettered with the reason at once; so is
 *   each malformed entry of a batch message, alone, and its other entries are recorded.
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
  let buffered = 0; // events in `buffer`
  let scheduled: (() => void) | undefined; // cancels the flush scheduled while idle
  let running = 0; // batches being handled
  const concurrency = options.concurrency ?? 1;

  const runWithRetry = (events: ConveyorEvent[], signal: AbortSignal) =>
    retryWithBackoff(() => options.handler(events), {
      ...retry,
      signal,
      onRetry: ({ error, attempt }) =>
        deps.logger.warn({ err: error, attempt, events: events.length }, 'batch failed; retrying'),
    });

  /** After a permanent failure: each event of the delivery alone; the bad ones are dead-lettered. */
  const processAlone = async (pending: Pending, signal: AbortSignal) => {
    for (const event of pending.events) {
      const single = await runWithRetry([event], signal);
      if (single.ok) continue;
      if (single.stop === 'aborted') return pending.settle.requeue('consumer stopping');
      const headers = { 'x-conveyor-error-kind': classifyError(single.error) };
      if (!pending.batch) return pending.settle.deadLetter(errorMessage(single.error), headers);
      await pending.settle.deadLetterPart(
        Buffer.from(JSON.stringify(event)),
        errorMessage(single.error),
        headers,
      );
    }
    pending.settle.ack();
  };

  const process = async (batch: Pending[], signal: AbortSignal) => {
    const outcome = await runWithRetry(
      batch.flatMap((pending) => pending.events),
      signal,
    );
    // One ack per delivery: a multiple-ack (rascal acks a whole channel) would also ack deliveries the
    // channel holds that this consumer has not been handed yet, and they could be lost.
    if (outcome.ok) return batch.forEach((pending) => pending.settle.ack());
    if (outcome.stop === 'aborted')
      return batch.forEach((pending) => pending.settle.requeue('consumer stopping'));
    deps.logger.warn(
      { err: outcome.error, events: batch.length },
      'batch failed; handling its events one by one',
    );
    for (const pending of batch) await processAlone(pending, signal);
  };

  /** Whole deliveries from the buffer, up to `maxBatch` events (at least one delivery). */
  const takeBatch = () => {
    let events = 0;
    let count = 0;
    while (
      count < buffer.length &&
      (count === 0 || events + buffer[count]!.events.length <= options.maxBatch)
    )
      events += buffer[count++]!.events.length;
    buffered -= events;
    return buffer.splice(0, count);
  };

  /** Starts the next batch unless `concurrency` are running; each calls it again when done. */
  const flush = (signal: AbortSignal) => {
    scheduled?.();
    scheduled = undefined;
    if (running >= concurrency || buffer.length === 0) return;
    const batch = takeBatch();
    running += 1;
    void process(batch, signal)
      .catch((error: unknown) => {
        // A dead letter could not be published (the broker went away): the rest goes back.
        deps.logger.error({ err: error, queue }, 'batch handling failed; handing its messages back');
        batch.forEach((pending) => pending.settle.requeue('batch handling failed'));
      })
      .finally(() => {
        running -= 1;
        flush(signal);
      });
  };

  /** While idle: flush once the deliveries already read are buffered (or after `maxWaitMs`). */
  const schedule = (signal: AbortSignal) => {
    if (scheduled) return;
    if (options.maxWaitMs) {
      const timer = setTimeout(() => flush(signal), options.maxWaitMs);
      scheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => flush(signal));
      scheduled = () => clearImmediate(immediate);
    }
  };

  return startConsumer(deps, {
    subscription: options.consumer,
    queue,
    prefetch: options.prefetch,
    onDelivery: async (delivery, signal) => {
      const { content, settle } = delivery;
      const parsed = parseEventDelivery(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      const events: ConveyorEvent[] = [];
      for (const entry of parsed.value.entries) {
        if (entry.ok) events.push(entry.value);
        else await settle.deadLetterPart(entry.content, entry.reason);
      }
      if (events.length === 0) return settle.ack();
      buffer.push({ events, settle, batch: parsed.value.batch });
      buffered += events.length;
      if (running >= concurrency) return; // taken when a running batch is done
      if (buffered >= options.maxBatch) flush(signal);
      else schedule(signal);
    },
  });
}
