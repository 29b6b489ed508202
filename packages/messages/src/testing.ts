import amqplib from 'amqplib';
import { resolveTestServices, trackResource } from '@conveyor/runtime/testing';
import { createBroker, type Broker, type BrokerOptions } from './broker.js';
import type { Subscription } from './consumer.js';
import { BATCH_TYPE } from './batch.js';
import { brokerNames } from './names.js';
import { deleteNamespace } from './namespace.js';
import { parseTaskPayload } from './parse.js';
import { isTaskBundle } from './task.js';

export { deleteNamespace, purgeNamespace } from './namespace.js';

/** A fresh broker namespace for one test file; `cleanup` deletes every queue and exchange of it. */
export async function createTestNamespace() {
  const { amqpUrl } = await resolveTestServices();
  const namespace = `test_${Math.random().toString(36).slice(2, 10)}`;
  return { namespace, amqpUrl, cleanup: () => deleteNamespace(amqpUrl, namespace) };
}

/**
 * `createBroker` for a test: the leak guard counts its connection as open until `close`, and each
 * subscription until it is cancelled (or the broker stops consuming or closes).
 */
export async function createTestBroker(options: BrokerOptions): Promise<Broker> {
  const broker = await createBroker(options);
  const untrackers = new Set<() => void>();
  const untrackAll = () => {
    untrackers.forEach((untrack) => untrack());
    untrackers.clear();
  };
  const close = async () => {
    untrackAll();
    untrackBroker();
    await broker.close();
  };
  const untrackBroker = trackResource('broker connection', options.namespace, close);
  const tracked =
    <O>(name: (options: O) => string, subscribe: (options: O) => Promise<Subscription>) =>
    async (subscriptionOptions: O): Promise<Subscription> => {
      const subscription = await subscribe(subscriptionOptions);
      const untrack = trackResource(
        'broker subscription',
        `${options.namespace} ${name(subscriptionOptions)}`,
        async () => {
          subscription.abort();
          await subscription.cancel();
          subscription.handBack();
        },
      );
      untrackers.add(untrack);
      return {
        ...subscription,
        cancel: async () => {
          untrack();
          await subscription.cancel();
        },
      };
    };
  return {
    ...broker,
    subscribeTasks: tracked(() => 'tasks', broker.subscribeTasks),
    subscribeEvents: tracked((o) => `${o.consumer} events`, broker.subscribeEvents),
    subscribeEventBatches: tracked((o) => `${o.consumer} event batches`, broker.subscribeEventBatches),
    subscribeFeed: tracked((o) => `${o.subscription} feed`, broker.subscribeFeed),
    subscribeDeadTasks: tracked(() => 'dead tasks', broker.subscribeDeadTasks),
    stopConsuming: async () => {
      untrackAll();
      await broker.stopConsuming();
    },
    close,
  };
}

export type DeadLetter = { content: string; headers: Record<string, unknown> };

/** Takes every message from a dead-letter queue (acking them), for assertions. */
export function readDeadLetters(amqpUrl: string, queue: string): Promise<DeadLetter[]> {
  return withChannel(amqpUrl, async (channel) => {
    const letters: DeadLetter[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      letters.push({
        content: message.content.toString('utf8'),
        headers: message.properties.headers ?? {},
      });
    }
    return letters;
  });
}

/** A connection and channel for one look at the broker, closed afterwards. */
async function withChannel<T>(amqpUrl: string, work: (channel: amqplib.Channel) => Promise<T>): Promise<T> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const result = await work(channel);
    await channel.close();
    return result;
  } finally {
    await connection.close();
  }
}

/** A message seen on the tasks exchange: a bundle or a single task, with the selections it carries. */
export type TappedTaskMessage = { bundle: boolean; selections: string[] };

/**
 * A queue bound beside `<ns>.tasks` that sees every message published to the tasks exchange — a
 * bundle, and the single messages made of it — in order. Exclusive: it goes with its connection.
 */
export async function tapTaskMessages(amqpUrl: string, namespace: string) {
  const names = brokerNames(namespace);
  const connection = await amqplib.connect(amqpUrl);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, names.tasksExchange, names.taskRoutingKey);
  const seen: TappedTaskMessage[] = [];
  await channel.consume(
    queue,
    (message) => {
      const parsed = message && parseTaskPayload(message.content);
      if (!parsed?.ok) return;
      const payload = parsed.value;
      seen.push(
        isTaskBundle(payload)
          ? { bundle: true, selections: payload.tasks.map((task) => task.selection) }
          : { bundle: false, selections: [payload.selection] },
      );
    },
    { noAck: true },
  );
  return { seen, close: () => connection.close() };
}

/**
 * Messages ready in a queue (a passive declare; unacked ones are not counted). A quorum queue's count
 * can lag by a moment: poll it.
 */
export function queueDepth(amqpUrl: string, queue: string): Promise<number> {
  return withChannel(amqpUrl, async (channel) => (await channel.checkQueue(queue)).messageCount);
}

export type TappedEvent = { id: string; type: string; runId: string; data: Record<string, unknown> };

/** A message as the broker routed it to a tap: its routing key and its parsed body. */
export type TappedMessage = { routingKey: string; body: Record<string, unknown> };

export type EventTap = {
  /** Every message the tap received since it was created, in the order the broker delivered them. */
  messages: () => Promise<TappedMessage[]>;
  /** The events of those messages, a batch message's entries each as the event it is. */
  read: () => Promise<TappedEvent[]>;
  /** How many `type` events (of `runId`, if given) were published: copies with the same id included. */
  count: (type: string, runId?: string) => Promise<number>;
  /** Deletes the tap's queue. */
  close: () => Promise<void>;
};

/**
 * A queue of its own bound to the namespace's events exchange: it counts what was *published*, each
 * copy, where the event store keeps one row per id. Durable and not exclusive, so it keeps counting
 * through a closed connection or a broker restart; `close` deletes it. The exchange must exist.
 */
export async function createEventTap(
  amqpUrl: string,
  namespace: string,
  routingKeys: string[] = ['#'],
): Promise<EventTap> {
  const names = brokerNames(namespace);
  const queue = `${namespace}.tap.${Math.random().toString(36).slice(2, 10)}`;
  await withChannel(amqpUrl, async (channel) => {
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    for (const key of routingKeys) await channel.bindQueue(queue, names.eventsExchange, key);
  });
  const received: TappedMessage[] = [];
  const messages = async () => {
    await withChannel(amqpUrl, async (channel) => {
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (!message) break;
        received.push({
          routingKey: message.fields.routingKey,
          body: JSON.parse(message.content.toString('utf8')) as Record<string, unknown>,
        });
      }
    });
    return [...received];
  };
  const read = async () =>
    (await messages()).flatMap(({ body }) =>
      body.type === BATCH_TYPE ? (body.events as TappedEvent[]) : [body as TappedEvent],
    );
  const close = async () => {
    untrack();
    await withChannel(amqpUrl, (channel) => channel.deleteQueue(queue));
  };
  const untrack = trackResource('broker queue', queue, close);
  return {
    messages,
    read,
    count: async (type, runId) =>
      (await read()).filter((event) => event.type === type && (runId === undefined || event.runId === runId))
        .length,
    close,
  };
}
