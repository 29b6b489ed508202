import rascal from 'rascal';
import type { Logger } from '@conveyor/runtime';
import { v4 as uuidv4 } from 'uuid';
import { BATCHABLE_TYPES, BATCH_ROUTING_KEY, batchBody, packBatches } from './batch.js';
import { assertByteSize } from './bounds.js';
import { PermanentError } from './errors.js';
import { createConfirmPublisher, type OutgoingMessage } from './confirm-publisher.js';
import type { Subscription } from './consumer.js';
import { isBuiltEvent } from './create-event.js';
import { ConveyorEvent } from './events.js';
import { createFlowControl, type FlowControl } from './flow.js';
import { brokerNames, type BrokerNames } from './names.js';
import type { ConveyorNotification } from './notifications.js';
import { TaskBundle, TaskMessage, isTaskBundle, type TaskPayload } from './task.js';
import { createBrokerConfig, type TopologyOptions } from './topology.js';
import { subscribeTasks, type TaskSubscriptionOptions } from './subscribe-tasks.js';
import { subscribeEvents, type EventSubscriptionOptions } from './subscribe-events.js';
import { subscribeEventBatches, type BatchSubscriptionOptions } from './subscribe-batches.js';
import { subscribeFeed, type FeedSubscriptionOptions } from './subscribe-feed.js';
import { subscribeDeadTasks, type DeadTaskSubscriptionOptions } from './subscribe-dead-tasks.js';

const { BrokerAsPromised } = rascal;
type RascalBroker = Awaited<ReturnType<typeof BrokerAsPromised.create>>;

export type { Subscription };

export type PublishOptions = {
  headers?: Record<string, unknown>;
  expirationMs?: number;
  routingKey?: string;
  messageId?: string;
};

/** The rascal publications of topology.ts. */
export type PublicationName = 'events' | 'tasks' | 'taskRetries' | 'notifications' | 'deadLetters';

export type BrokerOptions = TopologyOptions & {
  logger: Logger;
  /** Messages waiting for their confirm before further publishes wait: bounds memory in an outage. */
  maxOutstanding?: number;
  /** How long (ms) publishEvent(s)/publishTasks keep trying through a lost connection before rejecting. */
  publishTimeoutMs?: number;
  /** On close: how long (ms) aborted handlers get to hand their messages back before they are taken back. */
  closeGraceMs?: number;
};

export type Broker = {
  /**
   * Validates (unless createEvent built it: validated then), publishes to `<ns>.events` (routing key =
   * type), resolves once the broker confirmed it.
   */
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  /** Several events: validates all (as publishEvent), writes all, then awaits every confirm together. */
  publishEvents: (events: ConveyorEvent[]) => Promise<void>;
  /**
   * Task events as batch messages (DESIGN §2.4), the hot path: validated (as publishEvent), packed
   * into as few messages as the bounds allow (usually one), routed `batch.task`; resolves once every
   * one is confirmed.
   */
  publishEventBatch: (events: ConveyorEvent[]) => Promise<void>;
  /**
   * Validates and publishes task messages — single tasks or bundles (DESIGN §2.2) — and resolves once
   * the broker confirmed them all. `headers` go on every message (a split bundle's attempt).
   */
  publishTasks: (tasks: TaskPayload[], options?: { headers?: Record<string, unknown> }) => Promise<void>;
  /** Derived data: unconfirmed, dropped (never thrown) while the broker is unreachable. */
  publishNotification: (notification: ConveyorNotification) => Promise<void>;
  /** Publishes anything, unvalidated, through a rascal publication: for tests and tools (poison messages). */
  publishRaw: (publication: PublicationName, content: unknown, options?: PublishOptions) => Promise<void>;
  subscribeTasks: (options: TaskSubscriptionOptions) => Promise<Subscription>;
  subscribeEvents: (options: EventSubscriptionOptions) => Promise<Subscription>;
  subscribeEventBatches: (options: BatchSubscriptionOptions) => Promise<Subscription>;
  subscribeFeed: (options: FeedSubscriptionOptions) => Promise<Subscription>;
  /** What the broker dead-lettered from the task queue (delivery limit, rejections). */
  subscribeDeadTasks: (options: DeadTaskSubscriptionOptions) => Promise<Subscription>;
  /** For /readyz. `outstanding`: messages waiting for a confirm. */
  health: () => { connected: boolean; blocked: boolean; outstanding: number };
  /** Stops intake on every subscription; handlers in flight go on. */
  stopConsuming: () => Promise<void>;
  /** Resolves when no handler of any subscription is running. */
  drained: () => Promise<void>;
  /** Aborts handlers still running (they hand their messages back), then closes the connections. */
  close: () => Promise<void>;
};

/**
 * Connects to RabbitMQ, asserts the namespace's topology, and returns the publish and subscribe
 * functions every service uses. Events and tasks go out on a dedicated confirm channel (pipelined
 * confirms); everything else, and every subscription, through rascal.
 */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const { logger } = options;
  const flow = createFlowControl(options.maxOutstanding ?? 20_000);
  const rascalBroker: RascalBroker = await BrokerAsPromised.create(createBrokerConfig(options));
  watchConnection(rascalBroker, flow, logger);
  const names = brokerNames(options.namespace);
  const confirmed = createConfirmPublisher({
    amqpUrl: options.amqpUrl,
    connectionName: `${options.namespace} publisher (pid ${process.pid})`,
    logger,
    timeoutMs: options.publishTimeoutMs ?? 60_000,
    onBlocked: (blocked) => flow.setBlocked('publisher', blocked),
  });
  const subscriptions = new Set<Subscription>();

  /** Publishes through the confirm channel; waits while too many messages wait for a confirm. */
  const publishConfirmed = async (messages: OutgoingMessage[]) => {
    if (messages.length === 0) return;
    await flow.waitForRoom();
    const release = flow.acquire(messages.length);
    try {
      await confirmed.publish(messages);
    } finally {
      release();
    }
  };

  const eventMessage = (event: ConveyorEvent): OutgoingMessage => {
    const content = Buffer.from(JSON.stringify(event));
    assertByteSize(content.length, `the ${event.type} event`);
    return {
      exchange: names.eventsExchange,
      routingKey: event.type,
      content,
      options: { persistent: true, messageId: event.id, contentType: 'application/json' },
    };
  };
  /** Batch messages of task events, each envelope validated and serialized once. */
  const batchMessages = (events: ConveyorEvent[]): OutgoingMessage[] => {
    const envelopes = events.map((event) => {
      if (!BATCHABLE_TYPES.has(event.type))
        throw new PermanentError(`${event.type} does not travel in a batch (only task events do)`);
      const content = Buffer.from(JSON.stringify(validated(event)));
      assertByteSize(content.length, `the ${event.type} event`);
      return content;
    });
    return packBatches(envelopes).map((entries) => ({
      exchange: names.eventsExchange,
      routingKey: BATCH_ROUTING_KEY,
      content: batchBody(entries),
      options: { persistent: true, messageId: uuidv4(), contentType: 'application/json' },
    }));
  };
  const taskMessage = (payload: TaskPayload, headers?: Record<string, unknown>): OutgoingMessage => {
    const task = isTaskBundle(payload) ? TaskBundle.parse(payload) : TaskMessage.parse(payload);
    const content = Buffer.from(JSON.stringify(task));
    assertByteSize(content.length, 'the task message');
    return {
      exchange: names.tasksExchange,
      routingKey: names.taskRoutingKey,
      content,
      options: {
        persistent: true,
        // A bundle is named by its first task: the same plan makes the same bundles.
        messageId: isTaskBundle(task)
          ? `bundle:${task.tasks[0]!.task_id}:${task.generation}`
          : `${task.task_id}:${task.generation}`,
        contentType: 'application/json',
        ...(headers ? { headers } : {}),
      },
    };
  };
  const publishTasks: Broker['publishTasks'] = async (tasks, extra = {}) =>
    publishConfirmed(tasks.map((task) => taskMessage(task, extra.headers)));

  const publishRaw: Broker['publishRaw'] = async (publication, content, extra = {}) => {
    await flow.waitForRoom();
    const release = flow.acquire(1);
    try {
      const amqpOptions: Record<string, unknown> = { headers: extra.headers ?? {} };
      if (extra.messageId) amqpOptions.messageId = extra.messageId;
      if (extra.expirationMs !== undefined)
        amqpOptions.expiration = String(Math.max(0, Math.round(extra.expirationMs)));
      const overrides: Record<string, unknown> = { options: amqpOptions };
      if (extra.routingKey) overrides.routingKey = extra.routingKey;
      const payload = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
      const handle = await rascalBroker.publish(publication, payload, overrides);
      await new Promise<void>((resolve, reject) => {
        handle.on('success', () => resolve());
        handle.on('error', (error: Error) => reject(error));
        handle.on('return', () => resolve());
      });
    } finally {
      release();
    }
  };

  const track = async (subscribing: Promise<Subscription>) => {
    const subscription = await subscribing;
    subscriptions.add(subscription);
    return subscription;
  };
  const deps: BrokerDeps = { rascalBroker, publishRaw, publishTasks, flow, logger, names };
  const drained = async () => {
    await Promise.all([...subscriptions].map((subscription) => subscription.drained()));
  };

  return {
    // async: an invalid message rejects the returned promise instead of throwing at the call.
    publishEvent: async (event) => publishConfirmed([eventMessage(validated(event))]),
    publishEvents: async (events) => publishConfirmed(events.map((event) => eventMessage(validated(event)))),
    publishEventBatch: async (events) => publishConfirmed(batchMessages(events)),
    publishTasks,
    publishNotification: async (notification) => {
      if (!flow.isWritable()) return;
      try {
        await publishRaw('notifications', notification, { routingKey: notification.type });
      } catch (error) {
        logger.debug({ err: error }, 'notification not published');
      }
    },
    publishRaw,
    subscribeTasks: (opts) => track(subscribeTasks(deps, opts)),
    subscribeEvents: (opts) => track(subscribeEvents(deps, opts)),
    subscribeEventBatches: (opts) => track(subscribeEventBatches(deps, opts)),
    subscribeFeed: (opts) => track(subscribeFeed(deps, opts)),
    subscribeDeadTasks: (opts) => track(subscribeDeadTasks(deps, opts)),
    health: () => ({
      connected: flow.isConnected(),
      blocked: flow.isBlocked(),
      outstanding: flow.outstanding(),
    }),
    stopConsuming: async () => {
      await Promise.all([...subscriptions].map((subscription) => subscription.cancel()));
    },
    drained,
    close: async () => {
      const all = [...subscriptions];
      all.forEach((subscription) => subscription.abort());
      await Promise.all(all.map((subscription) => subscription.cancel()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        drained(),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, options.closeGraceMs ?? 2_000))),
      ]);
      clearTimeout(timer);
      all.forEach((subscription) => subscription.handBack());
      await confirmed.close();
      await rascalBroker.shutdown();
    },
  };
}

/** The event, validated unless createEvent built it (and validated it then). */
const validated = (event: ConveyorEvent): ConveyorEvent =>
  isBuiltEvent(event) ? event : ConveyorEvent.parse(event);

function watchConnection(rascalBroker: RascalBroker, flow: FlowControl, logger: Logger) {
  // A lost connection emits 'disconnect' (then 'error' when it broke); rascal reconnects by itself.
  rascalBroker.on('error', (error: Error) => logger.warn({ err: error }, 'broker error'));
  rascalBroker.on('disconnect', () => {
    flow.setConnected(false);
    logger.warn('broker connection lost; reconnecting');
  });
  rascalBroker.on('connect', () => {
    flow.setConnected(true);
    logger.info('broker connected');
  });
  rascalBroker.on('blocked', (reason: string) => {
    flow.setBlocked('rascal', true);
    logger.warn({ reason }, 'broker blocked publishing');
  });
  rascalBroker.on('unblocked', () => {
    flow.setBlocked('rascal', false);
    logger.info('broker unblocked publishing');
  });
}

export type BrokerDeps = {
  rascalBroker: RascalBroker;
  publishRaw: Broker['publishRaw'];
  publishTasks: Broker['publishTasks'];
  flow: FlowControl;
  logger: Logger;
  names: BrokerNames;
};
