import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { recordEvents } from '@conveyor/db';
import { createTestDatabase } from '@conveyor/db/testing';
import {
  createEvent,
  eventIdFor,
  isTaskBundle,
  unbundle,
  type ConveyorEvent,
  type TaskMessage,
  type TaskPayload,
} from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import { handleRunRetryRequested } from '../src/handlers/run-retry-requested.js';
import { handleTopologyBuilt } from '../src/handlers/topology-built.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const request = {
  window: { start: '2024-01-01 00:00', end: '2024-03-31 23:59' },
  chunk: 'month' as const,
  selections: null,
  calculation: 'grid-load',
};

/** What the leader publishes, kept in order (the broker's side is covered by the messages package). */
function outbox() {
  const events: ConveyorEvent[] = [];
  /** The task messages as published, and the tasks they carry. */
  const messages: TaskPayload[] = [];
  const tasks: TaskMessage[] = [];
  const deps = {
    db: database.db,
    logger,
    batchSize: 2,
    maxTasksPerRun: 1000,
    now: () => new Date(),
    publishEvents: async (published: ConveyorEvent[]) => void events.push(...published),
    publishTasks: async (published: TaskPayload[]) => {
      messages.push(...published);
      tasks.push(...published.flatMap((message) => (isTaskBundle(message) ? unbundle(message) : [message])));
    },
    notYetMaxMs: 50,
  };
  return { deps, events, messages, tasks };
}

const topologyBuilt = (runId: string, options: { reuse?: boolean; bundleSize?: number } = {}) =>
  createEvent('topology.built', {
    id: eventIdFor(runId, 'topology.built'),
    runId,
    producer: 'topology',
    data: {
      topologyId: 'topo-1',
      contentHash: 'h'.repeat(64),
      selections: ['1', '2'],
      nodeCount: 10,
      buildMs: 1,
      request: { ...request, ...options },
    },
  });

const signal = new AbortController().signal;

describe('the leader plans from topology.built alone', () => {
  it('plans a run the poller has recorded nothing of, and says when the plan is published', async () => {
    const runId = uuidv4();
    const { deps, events, tasks } = outbox();
    await handleTopologyBuilt(topologyBuilt(runId), deps);
    expect(events.map((event) => event.type)).toEqual(['run.planned', 'tasks.queued', 'run.plan-published']);
    expect(events.at(-1)?.data).toEqual({ generation: 0, taskCount: 6 });
    expect(tasks).toHaveLength(6);
    expect(tasks.every((task) => !('reuse' in task))).toBe(true);
  });

  it('publishes bundles of bundleSize tasks carrying the same tasks, with the same events, one per task', async () => {
    const runId = uuidv4();
    const single = outbox();
    await handleTopologyBuilt(topologyBuilt(runId), single.deps);
    const bundled = outbox();
    await handleTopologyBuilt(topologyBuilt(runId, { bundleSize: 4, reuse: true }), bundled.deps);

    expect(single.messages.every((message) => !isTaskBundle(message))).toBe(true);
    expect(bundled.messages.map((message) => isTaskBundle(message) && message.tasks.length)).toEqual([4, 2]);
    expect(bundled.tasks).toEqual(single.tasks.map((task) => ({ ...task, reuse: true })));
    expect(bundled.events.map((event) => [event.id, event.data])).toEqual(
      single.events.map((event) => [event.id, event.data]),
    );
  });

  it('carries the request’s reuse in every task message, the seed’s fields kept', async () => {
    const { deps, tasks } = outbox();
    await handleTopologyBuilt(topologyBuilt(uuidv4(), { reuse: true }), deps);
    expect(tasks).toHaveLength(6);
    for (const task of tasks)
      expect(Object.keys(task).sort()).toEqual([
        'calculation',
        'end_date',
        'generation',
        'reuse',
        'run_id',
        'selection',
        'start_date',
        'task_id',
        'topology_id',
      ]);
    expect(tasks.every((task) => task.reuse === true)).toBe(true);
  });

  it('publishes every task again for a redelivery without run.plan-published recorded, none after', async () => {
    const runId = uuidv4();
    const first = outbox();
    await handleTopologyBuilt(topologyBuilt(runId), first.deps);
    // The leader died after its task messages: everything but run.plan-published is recorded.
    await recordEvents(database.db, [topologyBuilt(runId), ...first.events.slice(0, -1)]);
    const again = outbox();
    await handleTopologyBuilt(topologyBuilt(runId), again.deps);
    expect(again.tasks.map((task) => task.task_id)).toEqual(first.tasks.map((task) => task.task_id));
    expect(again.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));

    await recordEvents(database.db, again.events);
    const late = outbox();
    await handleTopologyBuilt(topologyBuilt(runId), late.deps);
    expect(late.events).toEqual([]);
    expect(late.tasks).toEqual([]);
  });
});

describe('the leader retries failed tasks', () => {
  it('waits for a run the poller has not recorded yet, then retries it; a redelivery resumes the same generation', async () => {
    const runId = uuidv4();
    const plan = outbox();
    await handleTopologyBuilt(topologyBuilt(runId), plan.deps);
    const failedTask = plan.tasks[0]!;
    const retry = createEvent('run.retry-requested', {
      runId,
      producer: 'gateway',
      data: { taskIds: null, requestedBy: 'someone' },
    });

    const first = outbox();
    const retrying = handleRunRetryRequested(retry, first.deps, { signal });
    // The poller catches up only now: the request, the plan, one failed task.
    const requested = createEvent('run.requested', {
      runId,
      producer: 'gateway',
      data: { ...request, topologySource: 'synthetic:substations=2&nodes=10&seed=1', requestedBy: 'someone' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await recordEvents(database.db, [
      requested,
      topologyBuilt(runId),
      ...plan.events,
      createEvent('task.failed', {
        runId,
        taskId: failedTask.task_id,
        producer: 'worker',
        data: {
          attempt: 1,
          workerId: 'w',
          error: { message: 'boom', kind: 'permanent' },
          final: true,
          generation: 0,
        },
      }),
    ]);
    await retrying;
    expect(first.tasks.map((task) => [task.task_id, task.generation])).toEqual([[failedTask.task_id, 1]]);
    expect(first.events.map((event) => event.type)).toEqual([
      'run.planned',
      'tasks.queued',
      'run.plan-published',
    ]);

    // Redelivered after its run.planned and tasks.queued were recorded, but not its run.plan-published:
    // the same generation is published again, not a new one.
    await recordEvents(database.db, first.events.slice(0, -1));
    const again = outbox();
    await handleRunRetryRequested(retry, again.deps, { signal });
    expect(again.tasks.map((task) => [task.task_id, task.generation])).toEqual([[failedTask.task_id, 1]]);

    await recordEvents(database.db, again.events);
    const late = outbox();
    await handleRunRetryRequested(retry, late.deps, { signal });
    expect(late.tasks).toEqual([]);
  });
});
