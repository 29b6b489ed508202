import amqplib from 'amqplib';
import { resolveTestServices, trackResource } from '@conveyor/runtime/testing';
import { createBroker, type Broker, type BrokerOptions } from './broker.js';
import type { Subscription } from './consumer.js';
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
export async function readDeadLetters(amqpUrl: string, queue: string): Promise<DeadLetter[]> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const letters: DeadLetter[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      letters.push({
        content: message.content.toString('utf8'),
        headers: message.properties.headers ?? {},
      });
    }
    await channel.close();
    return letters;
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

export type TappedMessage = { routingKey: string; content: string };

/**
 * A tap on `<ns>.events`: an exclusive queue bound with `bindingKeys`, collecting every message the
 * broker routes to it — what was published, and under which routing key (for assertions).
 */
export async function tapEvents(amqpUrl: string, namespace: string, bindingKeys: string[]) {
  const connection = await amqplib.connect(amqpUrl);
  const messages: TappedMessage[] = [];
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  for (const key of bindingKeys) await channel.bindQueue(queue, `${namespace}.events`, key);
  await channel.consume(
    queue,
    (message) => {
      if (message)
        messages.push({ routingKey: message.fields.routingKey, content: message.content.toString('utf8') });
    },
    { noAck: true },
  );
  return { messages, close: () => connection.close() };
}
