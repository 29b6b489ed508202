import type { BrokerDeps } from './broker.js';
import { startConsumer, type Subscription } from './consumer.js';
import type { ConveyorEvent } from './events.js';
import type { ConveyorNotification } from './notifications.js';
import { parseEvent, parseNotification } from './parse.js';
import { notificationDataSchemas } from './notifications.js';

export type FeedSubscriptionOptions = {
  /** `gateway`: a gateway replica's events + notifications; `heartbeats`: the poller's task heartbeats. */
  subscription: 'gateway' | 'heartbeats';
  handler: (message: ConveyorEvent | ConveyorNotification) => Promise<void>;
  prefetch?: number;
};

/**
 * Consumes derived, best-effort feeds: each message is handled once and acked, whatever the handler
 * does (a live view that misses a message catches up with the next one). Unparseable ones are dropped
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
      const isNotification = message.fields.routingKey in notificationDataSchemas;
      const parsed = isNotification ? parseNotification(content) : parseEvent(content);
      if (!parsed.ok) {
        deps.logger.warn(
          { reason: parsed.reason, routingKey: message.fields.routingKey },
          'feed message dropped',
        );
        return settle.ack();
      }
      try {
        await options.handler(parsed.value);
      } catch (error) {
        deps.logger.warn({ err: error }, 'feed handler failed');
      }
      settle.ack();
    },
  });
}
