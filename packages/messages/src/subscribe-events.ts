import { backoffMs, sleep } from './backoff.js';
import type { BrokerDeps, Subscription } from './broker.js';
import type { EventConsumer } from './catalogue.js';
import { startConsumer } from './consumer.js';
import { classifyError, errorMessage } from './errors.js';
import type { ConveyorEvent } from './events.js';
import { parseEvent } from './parse.js';

export type EventSubscriptionOptions = {
  consumer: Exclude<EventConsumer, 'poller'>;
  handler: (event: ConveyorEvent) => Promise<void>;
  prefetch?: number;
  /** Attempts of a transient failure, in process, before the event is dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
};

/**
 * Consumes a service's event queue one event at a time. Unparseable events are dead-lettered with
 * the reason; a transient failure is retried in process with backoff (holding the message), a
 * permanent one — or the last attempt — is dead-lettered.
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
    onDelivery: async ({ content, settle }) => {
      const parsed = parseEvent(content);
      if (!parsed.ok) return settle.deadLetter(parsed.reason);
      for (let attempt = 1; ; attempt++) {
        try {
          await options.handler(parsed.value);
          return settle.ack();
        } catch (error) {
          const kind = classifyError(error);
          if (kind === 'permanent' || attempt >= maxAttempts) {
            return settle.deadLetter(errorMessage(error), {
              'x-conveyor-error-kind': kind,
              'x-conveyor-attempt': attempt,
            });
          }
          deps.logger.warn(
            { err: error, type: parsed.value.type, runId: parsed.value.runId, attempt },
            'event handler failed; retrying',
          );
          await sleep(backoffMs(attempt, baseMs, 10_000));
        }
      }
    },
  });
}
