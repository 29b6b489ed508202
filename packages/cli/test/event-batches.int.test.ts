// Task outcomes travel as batch messages (DESIGN §2.4), and a foreign worker's single envelopes still
// complete a run: both through the real poller, leader and topology service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { sql } from 'drizzle-orm';
import { BATCH_ROUTING_KEY, BATCH_TYPE, type ConveyorEvent, type TaskMessage } from '@conveyor/messages';
import { createEventTap, type EventTap } from '@conveyor/messages/testing';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

const topologySource = 'synthetic:substations=4&nodes=10&seed=5';
const window = { from: '2023-01-01 00:00', to: '2023-01-31 23:59', chunk: 'month' as const };

let pipeline: TestPipeline;
/** Every task event and batch message published on the events exchange, as the broker routed it. */
let tap: EventTap;

beforeAll(async () => {
  // No Conveyor worker yet: the first run's tasks are the foreign worker's.
  pipeline = await startTestPipeline({ workers: 0 });
  tap = await createEventTap(pipeline.namespace.amqpUrl, pipeline.namespace.namespace, [
    'task.*',
    BATCH_ROUTING_KEY,
  ]);
}, 120_000);

afterAll(async () => {
  await tap.close();
  const codes = await pipeline.close();
  expect(Object.values(codes).every((code) => code === 0)).toBe(true);
}, 60_000);

async function eventTypes(runId: string) {
  const [rows] = (await pipeline.database.db.execute(
    sql`SELECT type, COUNT(*) AS n FROM run_events WHERE run_id = ${runId} AND type LIKE 'task.%' GROUP BY type`,
  )) as unknown as [{ type: string; n: number | string }[]];
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.n)]));
}

/** The tapped messages, parsed, with their routing keys. */
const tapped = () => tap.messages();

/** A task event as a worker in another language writes it: a plain JSON envelope. */
const envelope = (type: string, task: TaskMessage, data: object) =>
  ({
    id: uuidv4(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    producer: 'foreign-worker',
    runId: task.run_id,
    taskId: task.task_id,
    data,
  }) as ConveyorEvent;

/**
 * A foreign worker: it takes each task from the task queue and publishes its task.started and
 * task.finished as single envelopes (routing key = type) with publisher confirms; the task is acked
 * once both are confirmed.
 */
async function startForeignWorker() {
  const done: string[] = [];
  const subscription = await pipeline.broker.subscribeTasks({
    prefetch: 10,
    maxAttempts: 1,
    handler: async (task) => {
      await pipeline.broker.publishEvents([
        envelope('task.started', task, {
          attempt: 1,
          workerId: 'foreign-1',
          startedAt: new Date().toISOString(),
          generation: task.generation,
        }),
        envelope('task.finished', task, {
          attempt: 1,
          workerId: 'foreign-1',
          finishedAt: new Date().toISOString(),
          durationMs: 1,
          summary: {},
          resultRows: 0,
          generation: task.generation,
        }),
      ]);
      done.push(task.task_id);
    },
  });
  return {
    done,
    stop: async () => {
      await subscription.cancel();
      await subscription.drained();
    },
  };
}

describe('task outcomes on the broker', () => {
  it('a foreign worker that publishes single envelopes completes a run', async () => {
    const foreign = await startForeignWorker();
    const runId = await pipeline.requestRun({ topologySource, ...window, calculation: 'noop' });
    const run = await pipeline.waitForRun(runId);
    await foreign.stop();

    expect(run.status).toBe('SUCCEEDED');
    expect(foreign.done).toHaveLength(4);
    expect(await eventTypes(runId)).toEqual({ 'task.started': 4, 'task.finished': 4 });
    const ofRun = (await tapped()).filter((m) => m.body.runId === runId);
    expect(ofRun.map((m) => m.routingKey).sort()).toEqual([
      ...Array<string>(4).fill('task.finished'),
      ...Array<string>(4).fill('task.started'),
    ]);
  });

  it("a Conveyor worker publishes a run's outcomes as batch messages, without task.started for short tasks", async () => {
    const worker = await pipeline.stack.addWorker();
    const runId = await pipeline.requestRun({ topologySource, ...window, calculation: 'noop' });
    const run = await pipeline.waitForRun(runId);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);

    expect(run.status).toBe('SUCCEEDED');
    // Each no-op task went from QUEUED to FINISHED: one event, no task.started (WORKER_STARTED_AFTER_MS).
    expect(await eventTypes(runId)).toEqual({ 'task.finished': 4 });
    type Batch = { type: string; events: { type: string; runId: string; taskId: string }[] };
    const batches = (await tapped())
      .filter((m) => m.routingKey === BATCH_ROUTING_KEY)
      .map((m) => m.body as unknown as Batch)
      .filter((batch) => batch.events.some((event) => event.runId === runId));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((batch) => batch.type === BATCH_TYPE)).toBe(true);
    const entries = batches.flatMap((batch) => batch.events);
    expect(entries.map((event) => event.type)).toEqual(Array<string>(4).fill('task.finished'));
    expect(new Set(entries.map((event) => event.taskId)).size).toBe(4);
    // No single task envelope of this run: every outcome came in a batch.
    expect(
      (await tapped()).filter((m) => m.routingKey !== BATCH_ROUTING_KEY && m.body.runId === runId),
    ).toEqual([]);
  });
});
