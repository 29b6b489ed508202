// BullMQ on the local Redis: the queue a Node user would pick instead. No-op jobs, concurrency 50.
import { Queue, Worker } from 'bullmq';

export async function bullmqNoop(redisUrl: string, tasks: number, concurrency = 50): Promise<{ ms: number }> {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const name = `bench-${Math.random().toString(36).slice(2, 8)}`;
  const queue = new Queue(name, { connection });
  const started = performance.now();
  let completed = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const worker = new Worker(name, async () => undefined, { connection, concurrency });
  worker.on('completed', () => {
    if (++completed === tasks) resolveDone();
  });
  for (let i = 0; i < tasks; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, tasks - i) }, (_, j) => ({
        name: 'task',
        data: { task: i + j },
        opts: { removeOnComplete: true },
      })),
    );
  }
  await done;
  const ms = performance.now() - started;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return { ms };
}
