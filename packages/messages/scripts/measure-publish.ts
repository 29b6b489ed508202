// Measures confirmed, persistent publishing of events routed to the poller's quorum queue, per batch
// size, side by side: publishEvents (validated, one confirm channel, pipelined confirms), the same
// events through rascal's publication (one confirm per message on its channel pool: the path
// publishEvents replaced), and raw amqplib with pipelined confirms (the broker's ceiling here).
// Not a test: numbers depend on the machine. Run: pnpm --filter @conveyor/messages measure:publish
import amqplib from 'amqplib';
import { v4 as uuidv4 } from 'uuid';
import { createLogger } from '@conveyor/runtime';
import { createBroker, type Broker } from '../src/broker.js';
import { createEvent } from '../src/create-event.js';
import type { ConveyorEvent } from '../src/events.js';
import { brokerNames } from '../src/names.js';
import { createTestNamespace, purgeNamespace } from '../src/testing.js';

const TOTAL = Number(process.env.MEASURE_TOTAL ?? 20_000); // messages per batch size and path
const BATCH_SIZES = [100, 1000];

const startedEvent = (runId: string): ConveyorEvent =>
  createEvent('task.started', {
    runId,
    taskId: uuidv4(),
    producer: 'measure',
    data: { attempt: 1, workerId: 'measure', startedAt: new Date().toISOString(), generation: 0 },
  });

type Path = (batch: ConveyorEvent[]) => Promise<void>;

async function rate(path: Path, batchSize: number): Promise<number> {
  const runId = uuidv4();
  const batches = Array.from({ length: Math.ceil(TOTAL / batchSize) }, () =>
    Array.from({ length: batchSize }, () => startedEvent(runId)),
  );
  const started = performance.now();
  for (const batch of batches) await path(batch);
  return (batches.length * batchSize) / ((performance.now() - started) / 1000);
}

function rascalPath(broker: Broker): Path {
  return async (batch) => {
    await Promise.all(batch.map((event) => broker.publishRaw('events', event, { routingKey: event.type })));
  };
}

async function rawPath(amqpUrl: string, exchange: string) {
  const connection = await amqplib.connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  const path: Path = async (batch) => {
    await Promise.all(
      batch.map(
        (event) =>
          new Promise<void>((resolve, reject) => {
            channel.publish(
              exchange,
              event.type,
              Buffer.from(JSON.stringify(event)),
              { persistent: true },
              (error: Error | null) => (error ? reject(error) : resolve()),
            );
          }),
      ),
    );
  };
  return { path, close: () => connection.close() };
}

const ns = await createTestNamespace();
const broker = await createBroker({
  amqpUrl: ns.amqpUrl,
  namespace: ns.namespace,
  logger: createLogger({ service: 'measure', level: 'warn' }),
});
const raw = await rawPath(ns.amqpUrl, brokerNames(ns.namespace).eventsExchange);
try {
  const paths: [string, Path][] = [
    ['publishEvents', broker.publishEvents],
    ['rascal, confirm per message', rascalPath(broker)],
    ['raw amqplib, pipelined', raw.path],
  ];
  console.log(`${TOTAL} confirmed persistent task.started events per row, into one quorum queue`);
  for (const batchSize of BATCH_SIZES) {
    for (const [name, path] of paths) {
      const perSecond = await rate(path, batchSize);
      console.log(
        `batch ${String(batchSize).padStart(4)}  ${name.padEnd(28)} ${Math.round(perSecond)} msg/s`,
      );
      await purgeNamespace(ns.amqpUrl, ns.namespace);
    }
  }
} finally {
  await raw.close();
  await broker.close();
  await ns.cleanup();
}
