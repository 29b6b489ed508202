import amqplib from 'amqplib';
import { resolveTestServices } from '@conveyor/runtime/testing';
import { EVENT_CONSUMERS } from './topology.js';
import { brokerNames } from './names.js';

/** Every static queue and exchange of a namespace. */
function namesOf(namespace: string) {
  const names = brokerNames(namespace);
  const queues = [
    names.tasksQueue,
    names.tasksDelayQueue,
    names.heartbeatsQueue,
    ...EVENT_CONSUMERS.map(names.eventsQueue),
  ];
  return {
    queues: [
      ...queues,
      names.deadQueue(names.tasksQueue),
      ...EVENT_CONSUMERS.map((c) => names.deadQueue(names.eventsQueue(c))),
    ],
    exchanges: [names.eventsExchange, names.tasksExchange, names.notificationsExchange, names.deadExchange],
  };
}

/** Deletes every queue and exchange of a namespace. */
export async function deleteNamespace(amqpUrl: string, namespace: string): Promise<void> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const { queues, exchanges } = namesOf(namespace);
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}

/** A fresh broker namespace for one test file; `cleanup` deletes it. */
export async function createTestNamespace() {
  const { amqpUrl } = await resolveTestServices();
  const namespace = `test_${Math.random().toString(36).slice(2, 10)}`;
  return { namespace, amqpUrl, cleanup: () => deleteNamespace(amqpUrl, namespace) };
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
