import rascal from 'rascal';
import type { BrokerConfig } from 'rascal';
import { BATCHABLE_TYPES, BATCH_ROUTING_KEY } from './batch.js';
import {
  eventTypesConsumedBy,
  notificationCatalogue,
  type EventConsumer,
  type ServiceName,
} from './catalogue.js';
import { brokerNames } from './names.js';

const { withDefaultConfig } = rascal;

export const EVENT_CONSUMERS: EventConsumer[] = ['topology', 'leader', 'poller'];

/** Deliveries of one message before the broker dead-letters it (x-delivery-limit), unless configured. */
export const DEFAULT_DELIVERY_LIMIT = 20;

export type TopologyOptions = {
  amqpUrl: string;
  namespace: string;
  /** Poison guard: deliveries of one task (nacks and channel closes included) before the broker dead-letters it. */
  taskDeliveryLimit?: number;
  /** A gateway replica's id: declares its own auto-deleted queue of events and notifications. */
  gatewayReplicaId?: string;
};

const quorum = (deadExchange: string, queue: string, deliveryLimit: number) => ({
  options: {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': deliveryLimit,
      'x-dead-letter-exchange': deadExchange,
      'x-dead-letter-routing-key': queue,
    },
  },
});

/**
 * The routing keys a consumer's queue is bound to on the events exchange: the types it consumes, and
 * `batch.task` when it consumes task events (a batch message holds only those, DESIGN §2.4).
 */
export function eventRoutingKeys(consumer: ServiceName): string[] {
  const types = eventTypesConsumedBy(consumer);
  return types.some((type) => BATCHABLE_TYPES.has(type)) ? [...types, BATCH_ROUTING_KEY] : types;
}

/**
 * The whole broker topology of a namespace, generated from the catalogue: exchanges, the quorum
 * task queue with its delay and dead-letter queues, one durable queue per event consumer bound to
 * the types it consumes, each with a dead-letter queue. Every process asserts all of it, so that no
 * message is dropped because its consumer has not started yet.
 */
export function createBrokerConfig(options: TopologyOptions): BrokerConfig {
  const names = brokerNames(options.namespace);
  const limit = options.taskDeliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
  const queues: Record<string, object> = {};
  const bindings: Record<string, object> = {};
  const bind = (source: string, destination: string, bindingKey: string) => {
    bindings[`${source}->${destination}:${bindingKey}`] = {
      source,
      destination,
      destinationType: 'queue',
      bindingKey,
    };
  };
  const deadQueueFor = (queue: string) => {
    queues[names.deadQueue(queue)] = { options: { durable: true, arguments: { 'x-queue-type': 'quorum' } } };
    bind(names.deadExchange, names.deadQueue(queue), queue);
  };

  queues[names.tasksQueue] = quorum(names.deadExchange, names.tasksQueue, limit);
  bind(names.tasksExchange, names.tasksQueue, names.taskRoutingKey);
  queues[names.tasksDelayQueue] = {
    options: {
      durable: true,
      arguments: {
        'x-dead-letter-exchange': names.tasksExchange,
        'x-dead-letter-routing-key': names.taskRoutingKey,
      },
    },
  };
  deadQueueFor(names.tasksQueue);
  queues[names.tasksDeadWatchQueue] = {
    options: { durable: true, arguments: { 'x-queue-type': 'quorum' } },
  };
  bind(names.deadExchange, names.tasksDeadWatchQueue, names.tasksQueue);

  for (const consumer of EVENT_CONSUMERS) {
    const queue = names.eventsQueue(consumer);
    queues[queue] = quorum(names.deadExchange, queue, limit);
    for (const key of eventRoutingKeys(consumer)) bind(names.eventsExchange, queue, key);
    deadQueueFor(queue);
  }
  // Heartbeats are derived data: kept for a minute at most, never dead-lettered.
  queues[names.heartbeatsQueue] = {
    options: { durable: true, arguments: { 'x-message-ttl': 60_000, 'x-max-length': 100_000 } },
  };
  for (const [type, entry] of Object.entries(notificationCatalogue)) {
    if (entry.consumers.includes('poller')) bind(names.notificationsExchange, names.heartbeatsQueue, type);
  }

  if (options.gatewayReplicaId) {
    const queue = names.gatewayQueue(options.gatewayReplicaId);
    // Deleted when the replica goes away for more than a minute; a reconnect within it resumes.
    queues[queue] = {
      options: {
        durable: false,
        autoDelete: false,
        arguments: { 'x-expires': 60_000, 'x-max-length': 100_000 },
      },
    };
    for (const key of eventRoutingKeys('gateway')) bind(names.eventsExchange, queue, key);
    for (const type of Object.keys(notificationCatalogue)) bind(names.notificationsExchange, queue, type);
  }

  const subscriptions: Record<string, object> = {
    tasks: { queue: names.tasksQueue, contentType: 'application/octet-stream' },
    heartbeats: { queue: names.heartbeatsQueue, contentType: 'application/octet-stream' },
    deadTasks: { queue: names.tasksDeadWatchQueue, contentType: 'application/octet-stream' },
  };
  for (const consumer of EVENT_CONSUMERS) {
    subscriptions[consumer] = { queue: names.eventsQueue(consumer), contentType: 'application/octet-stream' };
  }
  if (options.gatewayReplicaId) {
    subscriptions.gateway = {
      queue: names.gatewayQueue(options.gatewayReplicaId),
      contentType: 'application/octet-stream',
    };
  }

  return withDefaultConfig({
    vhosts: {
      '/': {
        connection: {
          url: options.amqpUrl,
          // A dead peer is noticed within two heartbeats (s); values in the URL take precedence.
          options: { heartbeat: 10, connection_timeout: 10_000 },
          // Reconnect with exponential backoff: 0.5 s, 1 s, 2 s, … up to 15 s.
          retry: { min: 500, max: 15_000, factor: 2, strategy: 'exponential' },
          // The name `rabbitmqctl list_connections` and the management UI show.
          socketOptions: {
            timeout: 10_000,
            clientProperties: { connection_name: `${options.namespace} (pid ${process.pid})` },
          },
        },
        publicationChannelPools: {
          confirmPool: { max: 16, min: 1, autostart: true },
          regularPool: { max: 4, min: 1 },
        },
        exchanges: {
          [names.eventsExchange]: { type: 'topic', options: { durable: true } },
          [names.tasksExchange]: { type: 'direct', options: { durable: true } },
          [names.notificationsExchange]: { type: 'topic', options: { durable: true } },
          [names.deadExchange]: { type: 'direct', options: { durable: true } },
        },
        queues,
        bindings,
        publications: {
          events: {
            exchange: names.eventsExchange,
            confirm: true,
            options: { persistent: true, contentType: 'application/json' },
          },
          tasks: {
            exchange: names.tasksExchange,
            routingKey: names.taskRoutingKey,
            confirm: true,
            options: { persistent: true, contentType: 'application/json' },
          },
          taskRetries: {
            queue: names.tasksDelayQueue,
            confirm: true,
            options: { persistent: true, contentType: 'application/json' },
          },
          notifications: {
            exchange: names.notificationsExchange,
            confirm: false,
            options: { persistent: false, contentType: 'application/json' },
          },
          deadLetters: { exchange: names.deadExchange, confirm: true, options: { persistent: true } },
        },
        subscriptions,
      },
    },
  });
}
