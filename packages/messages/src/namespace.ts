import amqplib from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { EVENT_CONSUMERS } from './topology.js';
import { brokerNames } from './names.js';

export type NamespaceOptions = {
  /** Gateway replicas whose queues to include (they also expire a minute after their replica left). */
  gatewayReplicaIds?: string[];
};

/** Every queue and exchange a namespace's topology declares. */
export function namespaceEntities(namespace: string, options: NamespaceOptions = {}) {
  const names = brokerNames(namespace);
  const eventQueues = EVENT_CONSUMERS.map((consumer) => names.eventsQueue(consumer));
  return {
    queues: [
      names.tasksQueue,
      names.tasksDelayQueue,
      names.tasksDeadQueue,
      names.tasksDeadWatchQueue,
      names.heartbeatsQueue,
      ...eventQueues,
      ...eventQueues.map((queue) => names.deadQueue(queue)),
      ...(options.gatewayReplicaIds ?? []).map((id) => names.gatewayQueue(id)),
    ],
    exchanges: [names.eventsExchange, names.tasksExchange, names.notificationsExchange, names.deadExchange],
  };
}

/**
 * Runs `work` once per entity on a channel of a fresh connection; a channel the broker closes
 * (an entity that does not exist) is replaced, so that one missing queue does not stop the rest.
 */
async function forEachEntity(
  amqpUrl: string,
  entities: string[],
  work: (channel: Channel, name: string) => Promise<unknown>,
) {
  const connection: ChannelModel = await amqplib.connect(amqpUrl);
  connection.on('error', () => undefined);
  try {
    const openChannel = async () => {
      const opened = await connection.createChannel();
      opened.on('error', () => undefined); // the rejected operation reports it
      return opened;
    };
    let channel = await openChannel();
    for (const name of entities) {
      try {
        await work(channel, name);
      } catch {
        channel = await openChannel();
      }
    }
    await channel.close().catch(() => undefined);
  } finally {
    await connection.close();
  }
}

/** Empties every queue of a namespace (they, their bindings and the exchanges stay). */
export async function purgeNamespace(amqpUrl: string, namespace: string, options: NamespaceOptions = {}) {
  await forEachEntity(amqpUrl, namespaceEntities(namespace, options).queues, (channel, queue) =>
    channel.purgeQueue(queue),
  );
}

/** Deletes every queue and exchange of a namespace. */
export async function deleteNamespace(amqpUrl: string, namespace: string, options: NamespaceOptions = {}) {
  const { queues, exchanges } = namespaceEntities(namespace, options);
  await forEachEntity(amqpUrl, queues, (channel, queue) => channel.deleteQueue(queue));
  await forEachEntity(amqpUrl, exchanges, (channel, exchange) => channel.deleteExchange(exchange));
}
