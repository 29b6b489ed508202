import type { BrokerDeps } from './broker.js';
import type { EventConsumer } from './catalogue.js';
import { startConsumer, type Subscription } from './consumer.js';
import { classifyError, errorMessage } from './errors.js';
import type { ConveyorEvent } from './events.js';
import { parseEvent } from './parse.js';
import { retryWithBackoff } from './retry-with-backoff.js';

export type EventContext = {
  /** 1 for the first call; a transient failure calls the handler again with the next. */
  attempt: number;
  /** The broker delivered this message before (a consumer died or stopped without acking it). */
  redelivered: boolean;
  /** Aborts when the subscription is aborted (shutdown): the event is handed back, not failed. */
  signal: AbortSignal;
};

export type EventSubscriptionOptions = {
  consumer: EventConsumer;
  handler: (event: ConveyorEvent, context: EventContext) => Promise<void>;
  prefetch?: number;
  /** Calls of the handler for one delivery before it is dead-lettered (transient failures, in process). */
  maxAttempts?: number;
  /** First retry delay (ms), doubled per attempt, ±20 % jitter, capped at 10 s. */
  retryBaseMs?: number;
};

/**
 * Consumes a service's event queue one event at a time. Unparseable events are dead-lettered with
 * the reason; a transient failure is retried in process with backoff (holding the message), a
 * permanent one — or the last attempt — is dead-lettered; an abort hands the event back.
 */
export async function subscribeEvents(
  deps: BrokerDeps,
  options: EventSubscriptionOptions,
): Promise<Subscription> {
  const queue = deps.names.eventsQueue(options.consumer);
  const maxAttempts = options.maxAttempts ?? 8;
  const baseMs = options.retryBaseMs ?? 250;
  return startConsumer(deps, {
    subscription: options.consumer,
    queue,
    prefetch: options.prefetch ?? 10,
    onDelivery: async ({ message, content, settle }, signal) => {
      const parsed = parseEvent(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      const event = parsed.value;
      const outcome = await retryWithBackoff(
        (attempt) => options.handler(event, { attempt, redelivered: message.fields.redelivered, signal }),
        {
          attempts: maxAttempts,
          baseMs,
          maxMs: 10_000,
          signal,
          onRetry: ({ error, attempt }) =>
            deps.logger.warn(
              { err: error, type: event.type, runId: event.runId, attempt },
              'event handler failed; retrying',
            ),
        },
      );
      if (outcome.ok) return settle.ack();
      if (outcome.stop === 'aborted') return settle.requeue('consumer stopping');
      return settle.deadLetter(errorMessage(outcome.error), {
        'x-conveyor-error-kind': classifyError(outcome.error),
        'x-conveyor-attempt': outcome.attempt,
      });
    },
  });
}
