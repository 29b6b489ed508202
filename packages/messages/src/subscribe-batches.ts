import { backoffMs, sleep } from './backoff.js';
import type { BrokerDeps, Subscription } from './broker.js';
import { startConsumer, type Settle } from './consumer.js';
import { classifyError, errorMessage } from './errors.js';
import type { ConveyorEvent } from './events.js';
import { parseEvent } from './parse.js';

export type BatchSubscriptionOptions = {
  consumer: 'poller';
  /** Records a batch (one transaction); resolves after the commit. */
  handler: (events: ConveyorEvent[]) => Promise<void>;
  maxBatch: number;
  /** Longest wait (ms) for a batch to fill. */
  maxWaitMs: number;
  prefetch: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
};

type Pending = { event: ConveyorEvent; settle: Settle };

/**
 * Consumes an event queue in batches: up to `maxBatch` events or `maxWaitMs`, one handler call,
 * then every message of the batch is acked. Batches run one after another.
 * - A transient failure (the database is down) keeps the batch unacked and retries it with backoff,
 *   indefinitely: nothing is lost, consumption resumes when the dependency returns.
 * - A permanent failure splits the batch: each event alone, so that only the bad one is dead-lettered.
 * - Unparseable messages never enter a batch: they are dead-lettered with the reason at once.
 */
export async function subscribeEventBatches(
  deps: BrokerDeps,
  options: BatchSubscriptionOptions,
): Promise<Subscription> {
  const queue = deps.names.eventsQueue(options.consumer);
  const baseMs = options.retryBaseMs ?? 200;
  const maxMs = options.retryMaxMs ?? 10_000;
  let buffer: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const waiters = new Map<Pending, () => void>();

  const runWithRetry = async (events: ConveyorEvent[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handler(events);
        return;
      } catch (error) {
        if (classifyError(error) === 'permanent') throw error;
        deps.logger.warn({ err: error, attempt, events: events.length }, 'batch failed; retrying');
        await sleep(backoffMs(attempt, baseMs, maxMs));
      }
    }
  };

  const process = async (batch: Pending[]) => {
    try {
      await runWithRetry(batch.map((p) => p.event));
      batch.forEach((p) => p.settle.ack());
    } catch {
      for (const pending of batch) {
        try {
          await runWithRetry([pending.event]);
          pending.settle.ack();
        } catch (error) {
          await pending.settle.deadLetter(errorMessage(error), { 'x-conveyor-error-kind': 'permanent' });
        }
      }
    } finally {
      batch.forEach((p) => waiters.get(p)?.());
    }
  };

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = buffer;
    buffer = [];
    if (batch.length > 0) chain = chain.then(() => process(batch));
  };

  return startConsumer(deps, {
    subscription: options.consumer,
    queue,
    prefetch: options.prefetch,
    onDelivery: async ({ content, settle }) => {
      const parsed = parseEvent(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      const pending = { event: parsed.value, settle };
      const done = new Promise<void>((resolve) => waiters.set(pending, resolve));
      buffer.push(pending);
      if (buffer.length >= options.maxBatch) flush();
      else timer ??= setTimeout(flush, options.maxWaitMs);
      await done;
      waiters.delete(pending);
    },
  });
}
