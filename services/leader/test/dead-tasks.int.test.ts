import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { getTask, listFailedTasks, recordEvents } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import {
  brokerNames,
  createEvent,
  type Broker,
  type ConveyorEvent,
  isTaskBundle,
  unbundle,
  type TaskMessage,
  type TaskPayload,
} from '@conveyor/messages';
import { createTestBroker, createTestNamespace } from '@conveyor/messages/testing';
import { createLogger } from '@conveyor/runtime';
import { handleRunRetryRequested } from '../src/handlers/run-retry-requested.js';
import { handleTaskDeadLettered } from '../src/handlers/task-dead-lettered.js';
import { handleTopologyBuilt } from '../src/handlers/topology-built.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const DELIVERY_LIMIT = 2;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let ns: Awaited<ReturnType<typeof createTestNamespace>>;
let broker: Broker;

beforeAll(async () => {
  database = await createTestDatabase();
  ns = await createTestNamespace();
  broker = await createTestBroker({
    amqpUrl: ns.amqpUrl,
    namespace: ns.namespace,
    logger,
    taskDeliveryLimit: DELIVERY_LIMIT,
  });
});
afterAll(async () => {
  await broker.close();
  await ns.cleanup();
  await database.close();
});

async function waitFor<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A worker that dies on every delivery of a task: it takes the message and hands it back unacked. */
async function crashOnEveryDelivery(queue: string, times: number): Promise<void> {
  const connection = await amqplib.connect(ns.amqpUrl);
  try {
    const channel = await connection.createChannel();
    for (let crashed = 0; crashed < times;) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      channel.nack(message, false, true);
      crashed++;
    }
    await channel.close();
  } finally {
    await connection.close();
  }
}

describe('the dead-letter watcher', () => {
  it('turns a task dead-lettered at its delivery limit into a final task.failed; the task can be retried', async () => {
    const names = brokerNames(ns.namespace);
    const runId = uuidv4();
    // The recorder: what the poller would do with every event.
    const recorder = await broker.subscribeEvents({
      consumer: 'poller',
      handler: async (event) => void (await recordEvents(database.db, [event])),
    });
    const watcher = await broker.subscribeDeadTasks({
      handler: (dead) =>
        handleTaskDeadLettered(dead, {
          publishEvents: broker.publishEvents,
          logger,
          deliveryLimit: DELIVERY_LIMIT,
        }),
    });
    try {
      const request = {
        window: { start: '2024-01-01 00:00', end: '2024-01-31 23:59' },
        chunk: 'month' as const,
        selections: null,
        calculation: 'grid-load',
      };
      await broker.publishEvent(
        createEvent('run.requested', {
          runId,
          producer: 'test',
          data: { ...request, topologySource: 'synthetic:substations=1&nodes=1&seed=1', requestedBy: 'test' },
        }),
      );
      const published: TaskMessage[] = [];
      const deps = {
        db: database.db,
        logger,
        batchSize: 100,
        maxTasksPerRun: 100,
        now: () => new Date(),
        publishEvents: broker.publishEvents,
        publishTasks: async (tasks: TaskPayload[]) => {
          published.push(...tasks.flatMap((t) => (isTaskBundle(t) ? unbundle(t) : [t])));
          await broker.publishTasks(tasks);
        },
      };
      const built = createEvent('topology.built', {
        runId,
        producer: 'topology',
        data: {
          topologyId: 'topo-1',
          contentHash: 'h',
          selections: ['1'],
          nodeCount: 1,
          buildMs: 1,
          request,
        },
      });
      await broker.publishEvent(built);
      await handleTopologyBuilt(built, deps);
      const [task] = published;

      await crashOnEveryDelivery(names.tasksQueue, DELIVERY_LIMIT + 1);
      const failed = await waitFor(async () => {
        const row = await getTask(database.db, task!.task_id);
        return row?.taskStatus === 'FAILED' ? row : undefined;
      }, 'the task to fail');
      expect(failed.error).toMatch(
        /^permanent: delivery limit reached: the task crashed or hung its worker 2 times$/,
      );
      expect(await listFailedTasks(database.db, runId, null)).toHaveLength(1);

      const retry: ConveyorEvent = createEvent('run.retry-requested', {
        runId,
        producer: 'gateway',
        data: { taskIds: null, requestedBy: 'someone' },
      });
      if (retry.type !== 'run.retry-requested') throw new Error('unreachable');
      published.length = 0;
      await handleRunRetryRequested(retry, deps, { signal: new AbortController().signal });
      expect(published.map((t) => [t.task_id, t.generation])).toEqual([[task!.task_id, 1]]);
    } finally {
      await watcher.cancel();
      await recorder.cancel();
      await Promise.all([watcher.drained(), recorder.drained()]);
    }
  });
});
