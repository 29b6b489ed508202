// The broker's ceiling for one durable message per task: amqplib publishing to a quorum queue with
// pipelined publisher confirms, consumed with acks at a tuned prefetch. No database, no events.
import amqplib from 'amqplib';

export async function rabbitmqRaw(amqpUrl: string, tasks: number): Promise<{ ms: number }> {
  const queue = `bench_raw_${Math.random().toString(36).slice(2, 8)}`;
  const connection = await amqplib.connect(amqpUrl);
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  await publisher.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await consumer.prefetch(200);
  const started = performance.now();
  let consumed = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.consume(queue, (message) => {
      if (!message) return;
      consumer.ack(message);
      if (++consumed === tasks) resolve();
    });
  });
  const body = Buffer.from(
    JSON.stringify({
      run_id: 'r',
      task_id: 't',
      selection: '1',
      start_date: '2023-01-01 00:00',
      end_date: '2023-01-31 23:59',
    }),
  );
  for (let i = 0; i < tasks; i++) {
    publisher.sendToQueue(queue, body, { persistent: true });
    if (i % 500 === 499) await publisher.waitForConfirms();
  }
  await publisher.waitForConfirms();
  await done;
  const ms = performance.now() - started;
  await publisher.deleteQueue(queue);
  await connection.close();
  return { ms };
}
