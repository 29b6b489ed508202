import amqplib from 'amqplib';
import { resolveTestServices } from '@conveyor/runtime/testing';
import { deleteNamespace } from './namespace.js';

export { deleteNamespace, purgeNamespace } from './namespace.js';

/** A fresh broker namespace for one test file; `cleanup` deletes every queue and exchange of it. */
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
