import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_WINDOW_MS, createEvent, type ConveyorEvent } from '@conveyor/messages';
import { createDatabase } from '../src/database.js';
import { datetimeMs } from '../src/datetime.js';
import { createTestDatabase } from '../src/testing.js';
import { recordEvents } from '../src/projections/record-events.js';
import { claimCompletion } from '../src/queries/claim-completion.js';
import { countTasksByStatus } from '../src/queries/count-tasks-by-status.js';
import { findCompletableRuns } from '../src/queries/find-completable-runs.js';
import { findStalledTasks } from '../src/queries/find-stalled-tasks.js';
import { findUnpublishedCompletions } from '../src/queries/find-unpublished-completions.js';
import { getRun } from '../src/queries/get-run.js';
import { getRunRequest } from '../src/queries/get-run-request.js';
import { getRunStatus } from '../src/queries/get-run-status.js';
import { getTask } from '../src/queries/get-task.js';
import { hasEvent } from '../src/queries/has-event.js';
import { listFailedTasks } from '../src/queries/list-failed-tasks.js';
import { listRunEvents } from '../src/queries/list-run-events.js';
import { listRuns } from '../src/queries/list-runs.js';
import { listTasks } from '../src/queries/list-tasks.js';
import { markCompletionPublished } from '../src/queries/mark-completion-published.js';
import { readRunProgress } from '../src/queries/read-run-progress.js';
import { recordHeartbeats } from '../src/queries/record-heartbeats.js';
import { runHistory } from './history.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** A run's history up to (not including) its first run.completed. */
const untilCompleted = (events: ConveyorEvent[]) =>
  events.slice(
    0,
    events.findIndex((e) => e.type === 'run.completed'),
  );

describe('completion', () => {
  it('finds a run whose tasks are all terminal, and exactly one of two concurrent claims wins', async () => {
    const events = untilCompleted(runHistory(['finished', 'failed']));
    const runId = events[0]!.runId;
    await recordEvents(database.db, events.slice(0, -1));
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
    await recordEvents(database.db, events.slice(-1));
    const [completion] = await findCompletableRuns(database.db, [runId]);
    expect(completion).toMatchObject({
      runId,
      generation: 0,
      status: 'FAILED',
      reason: '1 of 2 tasks failed',
      counts: { total: 2, queued: 0, started: 0, finished: 1, failed: 1, cancelled: 0 },
    });
    const claims = await Promise.all([
      claimCompletion(database.db, completion!),
      claimCompletion(database.db, completion!),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
  });

  it('waits for every task of the plan, even when the recorded ones are all done', async () => {
    const events = untilCompleted(runHistory(['finished', 'finished', 'finished']));
    const runId = events[0]!.runId;
    // The second tasks.queued batch (the third task) and its events are not recorded yet.
    const third = events.find((e) => e.type === 'tasks.queued' && e.data.tasks.length === 1)!;
    const late = new Set(events.filter((e) => e === third || (e.taskId && e.taskId === thirdTaskId(third))));
    await recordEvents(
      database.db,
      events.filter((e) => !late.has(e)),
    );
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
    await recordEvents(database.db, [...late]);
    expect(await findCompletableRuns(database.db, [runId])).toMatchObject([
      { runId, status: 'SUCCEEDED', counts: { total: 3, finished: 3 } },
    ]);
  });

  it('completes a run that failed before planning as FAILED with the reason', async () => {
    for (const failBeforePlan of ['topology', 'plan'] as const) {
      const events = untilCompleted(runHistory([], { failBeforePlan }));
      const runId = events[0]!.runId;
      await recordEvents(database.db, events.slice(0, -1));
      expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
      await recordEvents(database.db, events.slice(-1));
      expect(await findCompletableRuns(database.db, [runId])).toEqual([
        expect.objectContaining({
          runId,
          generation: 0,
          status: 'FAILED',
          reason:
            events.at(-1)!.type === 'topology.failed' ? 'node n7: feeds itself' : 'unknown selections: 9',
        }),
      ]);
    }
  });

  it('completes a cancelled run as CANCELLED once nothing is queued or running', async () => {
    const events = untilCompleted(runHistory(['finished', 'cancelled'], { cancel: true }));
    const runId = events[0]!.runId;
    await recordEvents(database.db, events.slice(0, -1));
    expect(await getRunStatus(database.db, runId)).toEqual({ status: 'RUNNING', cancelRequested: true });
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
    await recordEvents(database.db, events.slice(-1));
    expect(await findCompletableRuns(database.db, [runId])).toMatchObject([
      { runId, status: 'CANCELLED', counts: { finished: 1, cancelled: 1 } },
    ]);
  });

  it('completes a retry generation again, once its own tasks are done', async () => {
    const events = runHistory(['finished', 'failed-then-retried']);
    const runId = events[0]!.runId;
    const retryPlanned = events.findIndex((e) => e.type === 'run.planned' && e.data.generation === 1);
    await recordEvents(database.db, events.slice(0, retryPlanned + 2)); // + tasks.queued of generation 1
    expect(await getRunStatus(database.db, runId)).toEqual({ status: 'RUNNING', cancelRequested: false });
    expect(await findCompletableRuns(database.db, [runId])).toEqual([]);
    await recordEvents(database.db, events.slice(retryPlanned + 2, -1));
    const [completion] = await findCompletableRuns(database.db, [runId]);
    expect(completion).toMatchObject({ generation: 1, status: 'SUCCEEDED', counts: { finished: 2 } });
    expect(await claimCompletion(database.db, completion!)).toBe(true);
    expect(await claimCompletion(database.db, completion!)).toBe(false);
  });

  it('lists a claimed completion as unpublished until it is marked published', async () => {
    const events = untilCompleted(runHistory(['finished']));
    const runId = events[0]!.runId;
    await recordEvents(database.db, events);
    const [completion] = await findCompletableRuns(database.db, [runId]);
    expect(await claimCompletion(database.db, completion!)).toBe(true);
    const pending = await findUnpublishedCompletions(database.db);
    expect(pending.filter((c) => c.runId === runId)).toEqual([
      { ...completion, durationMs: expect.any(Number) as number },
    ]);
    await markCompletionPublished(database.db, runId, 0);
    expect((await findUnpublishedCompletions(database.db)).filter((c) => c.runId === runId)).toEqual([]);
  });

  it('runs its GROUP BY queries under MySQL 8 ONLY_FULL_GROUP_BY', async () => {
    const events = untilCompleted(runHistory(['finished', 'failed']));
    const strict = createDatabase(database.url, { poolSize: 1 });
    try {
      await strict.pool.query(
        "SET SESSION sql_mode = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO'",
      );
      await recordEvents(strict.db, events);
      expect(await countTasksByStatus(strict.db, events[0]!.runId)).toMatchObject({ total: 2, failed: 1 });
      expect(await findCompletableRuns(strict.db, [events[0]!.runId])).toHaveLength(1);
      const [[mode]] = (await strict.pool.query('SELECT @@SESSION.sql_mode AS mode')) as unknown as [
        [{ mode: string }],
      ];
      expect(mode.mode).toContain('ONLY_FULL_GROUP_BY');
    } finally {
      await strict.close();
    }
  });
});

function thirdTaskId(queued: ConveyorEvent): string | undefined {
  return queued.type === 'tasks.queued' ? queued.data.tasks[0]?.taskId : undefined;
}

describe('runs and tasks', () => {
  it('reads a run, its request, its events and its tasks in plan order', async () => {
    const events = untilCompleted(runHistory(['finished', 'failed', 'retried-then-finished']));
    const runId = events[0]!.runId;
    await recordEvents(database.db, events);
    expect(await getRun(database.db, runId)).toMatchObject({
      status: 'RUNNING',
      windowStart: '2023-01-01 00:00',
      selections: null,
      taskCount: 3,
      topologyId: 'topo-1',
    });
    expect(await getRunRequest(database.db, runId)).toMatchObject({ chunk: 'day', calculation: 'grid-load' });
    expect(await hasEvent(database.db, events[0]!.id)).toBe(true);
    expect(await hasEvent(database.db, '00000000-0000-4000-8000-000000000000')).toBe(false);

    const page1 = await listRunEvents(database.db, { runId, limit: 4 });
    const page2 = await listRunEvents(database.db, {
      runId,
      afterPosition: page1.at(-1)!.position,
      limit: 100,
    });
    expect([...page1, ...page2].map((e) => e.eventId)).toEqual(events.map((e) => e.id));

    const first = await listTasks(database.db, { runId, limit: 2 });
    const rest = await listTasks(database.db, { runId, after: first.at(-1)!.id, limit: 10 });
    expect([...first, ...rest].map((t) => t.startDate)).toEqual([
      '2023-01-01 00:00',
      '2023-01-02 00:00',
      '2023-01-03 00:00',
    ]);
    const failed = await listTasks(database.db, { runId, status: ['FAILED'], limit: 10 });
    expect(failed.map((t) => [t.startDate, t.error])).toEqual([['2023-01-02 00:00', 'permanent: boom 1']]);
    expect(await getTask(database.db, failed[0]!.taskId)).toEqual(failed[0]);
    expect(await listFailedTasks(database.db, runId, null)).toEqual([
      {
        taskId: failed[0]!.taskId,
        selection: '1',
        startDate: '2023-01-02 00:00',
        endDate: '2023-01-02 23:59',
      },
    ]);
    expect(await listFailedTasks(database.db, runId, [])).toEqual([]);
  });

  it('pages runs newest first and filters them by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const events = runHistory(['finished']);
      ids.push(events[0]!.runId);
      await recordEvents(database.db, events);
    }
    const mine = (runs: { id: string }[]) => runs.map((r) => r.id).filter((id) => ids.includes(id));
    const page1 = await listRuns(database.db, { limit: 2 });
    const page2 = await listRuns(database.db, { after: page1.at(-1)!.id, limit: 100 });
    expect(mine([...page1, ...page2])).toEqual([...ids].reverse());
    expect(mine(await listRuns(database.db, { status: ['SUCCEEDED'], limit: 100 }))).toEqual(
      [...ids].reverse(),
    );
    expect(mine(await listRuns(database.db, { status: ['FAILED'], limit: 100 }))).toEqual([]);
  });

  it('finds started tasks with neither a recent start nor a recent heartbeat', async () => {
    const runId = '7d1c1a4e-1d5e-4a6f-9c0a-5b1e2f3a4b5c';
    const events = runHistory(['finished', 'finished'], { runId });
    const [first, second] = events.flatMap((e) =>
      e.type === 'task.started' ? [{ taskId: e.taskId, startedAt: e.data.startedAt }] : [],
    );
    // Both tasks started, neither finished.
    await recordEvents(
      database.db,
      events.filter((e) => e.type !== 'task.finished' && e.type !== 'run.completed'),
    );
    const now = new Date(Date.parse(second!.startedAt) + 60_000);
    const stalled = async () =>
      (await findStalledTasks(database.db, { olderThanMs: 30_000, now }))
        .filter((t) => t.runId === runId)
        .map((t) => t.taskId)
        .sort();
    expect(await stalled()).toEqual([first!.taskId, second!.taskId].sort());
    const recent = new Date(now.getTime() - 10_000).toISOString();
    const old = new Date(now.getTime() - 50_000).toISOString();
    // The latest heartbeat wins, whatever the order.
    await recordHeartbeats(database.db, [
      { taskId: first!.taskId, at: recent },
      { taskId: first!.taskId, at: old },
      { taskId: second!.taskId, at: old },
    ]);
    await recordHeartbeats(database.db, [{ taskId: first!.taskId, at: old }]);
    expect(await stalled()).toEqual([second!.taskId]);
    expect((await getTask(database.db, first!.taskId))?.lastHeartbeatAt).toBe(
      recent.replace('T', ' ').replace('Z', ''),
    );
    // A finished task is never stalled.
    await recordEvents(
      database.db,
      events.filter((e) => e.type === 'task.finished' && e.taskId === second!.taskId),
    );
    expect(await stalled()).toEqual([]);
  });
});

describe('readRunProgress', () => {
  it('rates the tasks done inside the window, not a failed task a retry queued again, and keeps a finished run’s rate', async () => {
    const events = runHistory(['finished', 'failed-then-retried']);
    const runId = events[0]!.runId;
    const retryQueued = events.findIndex((e) => e.type === 'run.planned' && e.data.generation === 1) + 1;
    await recordEvents(database.db, events.slice(0, retryQueued + 1));
    const run = (await getRun(database.db, runId))!;
    const plannedAt = datetimeMs(run.startedAt!);
    const now = Date.parse(events[retryQueued]!.occurredAt);

    // One task done since planning (the other failed, and its retry queued it again).
    const progress = await readRunProgress(database.db, run, now);
    expect(progress).toMatchObject({
      status: 'RUNNING',
      total: 2,
      finished: 1,
      failed: 0,
      queued: 1,
      percent: 50,
    });
    expect(progress.tasksPerSecond).toBeCloseTo(1000 / (now - plannedAt), 9);
    expect(progress.etaSeconds).toBeCloseTo((now - plannedAt) / 1000, 9);
    // Past the window, nothing was done inside it: no rate, no ETA.
    expect(await readRunProgress(database.db, run, now + 2 * RATE_WINDOW_MS)).toMatchObject({
      percent: 50,
      tasksPerSecond: 0,
      etaSeconds: null,
    });

    await recordEvents(database.db, events.slice(retryQueued + 1));
    const done = (await getRun(database.db, runId))!;
    const final = await readRunProgress(database.db, done, now);
    expect(final).toMatchObject({ status: 'SUCCEEDED', total: 2, finished: 2, percent: 100, etaSeconds: 0 });
    expect(final.tasksPerSecond).toBeGreaterThan(0);
    expect(await readRunProgress(database.db, done, now + 10 * RATE_WINDOW_MS)).toEqual(final);
  });
});

describe('event ids', () => {
  it('keeps one run.completed however many pollers publish it with its deterministic id', async () => {
    const events = runHistory(['finished']);
    const completed = events.at(-1)!;
    await recordEvents(database.db, events);
    const again = createEvent('run.completed', {
      id: completed.id,
      runId: completed.runId,
      producer: 'poller',
      data: {
        status: 'SUCCEEDED',
        counts: { total: 1, queued: 0, started: 0, finished: 1, failed: 0, cancelled: 0 },
        durationMs: 99,
        generation: 0,
      },
    });
    expect((await recordEvents(database.db, [again])).inserted).toEqual([]);
    const [row] = (await database.db.execute(
      sql`SELECT COUNT(*) AS n FROM run_events WHERE type = 'run.completed' AND run_id = ${completed.runId}`,
    )) as unknown as [[{ n: number }]];
    expect(row).toEqual([{ n: 1 }]);
  });
});
