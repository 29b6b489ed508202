import rascal from 'rascal';
import type { Logger } from '@conveyor/runtime';
import type { ConveyorNotification } from './notifications.js';
import { ConveyorEvent } from './events.js';
import { brokerNames, type BrokerNames } from './names.js';
import { TaskMessage } from './task.js';
import { createBrokerConfig, type TopologyOptions } from './topology.js';
import { subscribeTasks, type TaskSubscriptionOptions } from './subscribe-tasks.js';
import { subscribeEvents, type EventSubscriptionOptions } from './subscribe-events.js';
import { subscribeEventBatches, type BatchSubscriptionOptions } from './subscribe-batches.js';
import { subscribeFeed, type FeedSubscriptionOptions } from './subscribe-feed.js';

const { BrokerAsPromised } = rascal;
type RascalBroker = Awaited<ReturnType<typeof BrokerAsPromised.create>>;

export type Subscription = {
  /** Stops taking messages; in-flight handlers go on. */
  cancel: () => Promise<void>;
  /** Resolves when no handler is running. */
  drained: () => Promise<void>;
};

export type PublishOptions = {
  headers?: Record<string, unknown>;
  expirationMs?: number;
  routingKey?: string;
};

/** The most publishes waiting for the broker before new ones wait: bounds memory during an outage. */
const MAX_OUTSTANDING = 20_000;

export type BrokerOptions = TopologyOptions & { logger: Logger };

/**
 * Connects to RabbitMQ, asserts the namespace's topology, and returns the publish and subscribe
 * functions every service uses. Publishes resolve when the broker has confirmed them.
 */
export async function createBroker(options: BrokerOptions) {
  const { logger } = options;
  const rascalBroker: RascalBroker = await BrokerAsPromised.create(createBrokerConfig(options));
  let connected = true;
  let blocked = false;
  let outstanding = 0;
  const writableWaiters: (() => void)[] = [];

  rascalBroker.on('error', (error: Error) => {
    connected = false;
    logger.warn({ err: error }, 'broker error; reconnecting');
  });
  rascalBroker.on('disconnect', () => {
    connected = false;
    logger.warn('broker connection lost; reconnecting');
  });
  rascalBroker.on('connect', () => {
    connected = true;
    logger.info('broker connected');
  });
  rascalBroker.on('blocked', (reason: string) => {
    blocked = true;
    logger.warn({ reason }, 'broker blocked publishing');
  });
  rascalBroker.on('unblocked', () => {
    blocked = false;
    logger.info('broker unblocked publishing');
  });

  const waitUntilWritable = async () => {
    while (outstanding >= MAX_OUTSTANDING)
      await new Promise<void>((resolve) => writableWaiters.push(resolve));
  };

  /** Publishes one message and resolves when the broker confirmed it (or, unconfirmed, when sent). */
  const publishRaw = async (
    publication: string,
    content: unknown,
    extra: PublishOptions & { messageId?: string } = {},
  ) => {
    await waitUntilWritable();
    outstanding++;
    try {
      const overrides: Record<string, unknown> = { options: { headers: extra.headers ?? {} } };
      const amqpOptions = overrides.options as Record<string, unknown>;
      if (extra.messageId) amqpOptions.messageId = extra.messageId;
      if (extra.expirationMs !== undefined)
        amqpOptions.expiration = String(Math.max(0, Math.round(extra.expirationMs)));
      if (extra.routingKey) overrides.routingKey = extra.routingKey;
      const payload = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
      const handle = await rascalBroker.publish(publication, payload, overrides);
      await new Promise<void>((resolve, reject) => {
        handle.on('success', () => resolve());
        handle.on('error', (error: Error) => reject(error));
        handle.on('return', () => resolve());
      });
    } finally {
      outstanding--;
      if (outstanding < MAX_OUTSTANDING) writableWaiters.splice(0).forEach((wake) => wake());
    }
  };

  const publishEvent = async (event: ConveyorEvent): Promise<void> => {
    const valid = ConveyorEvent.parse(event);
    await publishRaw('events', valid, { messageId: valid.id, routingKey: valid.type });
  };

  /** The hot path: every publish goes out at once on the channel pool, confirms are awaited together. */
  const publishEvents = async (events: ConveyorEvent[]): Promise<void> => {
    const valid = events.map((event) => ConveyorEvent.parse(event));
    await Promise.all(
      valid.map((event) => publishRaw('events', event, { messageId: event.id, routingKey: event.type })),
    );
  };

  const publishTasks = async (tasks: TaskMessage[]): Promise<void> => {
    const valid = tasks.map((task) => TaskMessage.parse(task));
    await Promise.all(
      valid.map((task) => publishRaw('tasks', task, { messageId: `${task.task_id}:${task.generation}` })),
    );
  };

  /** Derived data: never waits for a confirm and never throws, even during an outage. */
  const publishNotification = async (notification: ConveyorNotification): Promise<void> => {
    if (!connected || outstanding >= MAX_OUTSTANDING) return;
    try {
      await publishRaw('notifications', notification, { routingKey: notification.type });
    } catch (error) {
      logger.debug({ err: error }, 'notification not published');
    }
  };

  const deps: BrokerDeps = { rascalBroker, publishRaw, logger, names: brokerNames(options.namespace) };
  return {
    publishEvent,
    publishEvents,
    publishTasks,
    publishNotification,
    /** Publishes raw bytes, for tests and tools (e.g. poison messages). */
    publishRaw,
    subscribeTasks: (opts: TaskSubscriptionOptions) => subscribeTasks(deps, opts),
    subscribeEvents: (opts: EventSubscriptionOptions) => subscribeEvents(deps, opts),
    subscribeEventBatches: (opts: BatchSubscriptionOptions) => subscribeEventBatches(deps, opts),
    subscribeFeed: (opts: FeedSubscriptionOptions) => subscribeFeed(deps, opts),
    health: () => ({ connected, blocked, outstanding }),
    /** True while publishing would have to wait: stop taking new work. */
    isBackPressured: () => !connected || blocked || outstanding >= MAX_OUTSTANDING,
    close: async () => {
      await rascalBroker.shutdown();
    },
  };
}

export type Broker = Awaited<ReturnType<typeof createBroker>>;
export type BrokerDeps = {
  rascalBroker: RascalBroker;
  publishRaw: (
    publication: string,
    content: unknown,
    extra?: PublishOptions & { messageId?: string },
  ) => Promise<void>;
  logger: Logger;
  names: BrokerNames;
};
