import type { BrokerDeps } from './broker.js';
import { startConsumer, type Subscription } from './consumer.js';
import type { ConveyorEvent } from './events.js';
import type { ConveyorNotification } from './notifications.js';
import { parseEventDelivery, parseNotification, type Parsed } from './parse.js';
import { notificationDataSchemas } from './notifications.js';

export type FeedSubscriptionOptions = {
  /** `gateway`: a gateway replica's events + notifications; `heartbeats`: the poller's task heartbeats. */
  subscription: 'gateway' | 'heartbeats';
  handler: (message: ConveyorEvent | ConveyorNotification) => Promise<void>;
  prefetch?: number;
  /**
   * The runs whose events the handler wants (default: all). The others are acked unvalidated: a
   * gateway replica that nobody watches spends nothing per event beyond reading its JSON.
   */
  follows?: (runId: string) => boolean;
};

/**
 * Consumes derived, best-effort feeds: each message (each event of a batch message) is handled once
 * and the delivery acked, whatever the handler does (a live view that misses a message catches up with the next one). Unparseable ones are dropped
 * with a warning: these queues have no dead-letter queue, their messages are copies.
 */
export async function subscribeFeed(
  deps: BrokerDeps,
  options: FeedSubscriptionOptions,
): Promise<Subscription> {
  return startConsumer(deps, {
    subscription: options.subscription,
    queue: options.subscription,
    prefetch: options.prefetch ?? 200,
    onDelivery: async ({ message, content, settle }) => {
      const messages = parseFeedMessages(message.fields.routingKey, content, options.follows);
      if (!messages.ok) {
        deps.logger.warn(
          { reason: messages.reason, routingKey: message.fields.routingKey },
          'feed message dropped',
        );
        return settle.ack();
      }
      for (const entry of messages.value) {
        try {
          await options.handler(entry);
        } catch (error) {
          deps.logger.warn({ err: error }, 'feed handler failed');
        }
      }
      settle.ack();
    },
  });
}

/** A notification, an event, or the valid events of a batch message (its malformed entries dropped). */
function parseFeedMessages(
  routingKey: string,
  content: Buffer,
  follows: ((runId: string) => boolean) | undefined,
): Parsed<(ConveyorEvent | ConveyorNotification)[]> {
  if (routingKey in notificationDataSchemas) {
    const parsed = parseNotification(content);
    return parsed.ok ? { ok: true, value: [parsed.value] } : parsed;
  }
  const parsed = parseEventDelivery(content, follows);
  if (!parsed.ok) return parsed;
  return { ok: true, value: parsed.value.entries.flatMap((entry) => (entry.ok ? [entry.value] : [])) };
}
