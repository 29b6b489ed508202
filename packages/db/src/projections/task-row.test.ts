import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent, type ConveyorEvent } from '@conveyor/messages';
import { emptyTask, evolveQueued, evolveTask, type TaskRow } from './task-row.js';

const runId = '11111111-1111-4111-8111-111111111111';
const taskId = '22222222-2222-4222-8222-222222222222';
const task = { taskId, selection: 'S1', startDate: '2023-01-01 00:00', endDate: '2023-01-01 23:59' };
let clock = Date.UTC(2024, 0, 1);
const now = () => new Date((clock += 1000)); // 1 s apart

const queued = (generation = 0) =>
  createEvent('tasks.queued', { runId, producer: 'leader', now: now(), data: { tasks: [task], generation } });
const started = (attempt: number, generation = 0) =>
  createEvent('task.started', {
    runId,
    taskId,
    producer: 'worker',
    now: now(),
    data: { attempt, workerId: `w${attempt}`, startedAt: now().toISOString(), generation },
  });
const failed = (attempt: number, final: boolean, generation = 0) =>
  createEvent('task.failed', {
    runId,
    taskId,
    producer: 'worker',
    now: now(),
    data: {
      attempt,
      workerId: `w${attempt}`,
      error: { message: 'boom', kind: final ? 'permanent' : 'transient' },
      final,
      generation,
    },
  });
const finished = (attempt: number, generation = 0) =>
  createEvent('task.finished', {
    runId,
    taskId,
    producer: 'worker',
    now: now(),
    data: {
      attempt,
      workerId: `w${attempt}`,
      finishedAt: now().toISOString(),
      durationMs: 42,
      summary: { cables: 3 },
      resultRows: 3,
      generation,
    },
  });

/** Given these events (in this order), the task's row. */
function given(...events: ConveyorEvent[]): TaskRow {
  return events.reduce(
    (row, event) =>
      event.type === 'tasks.queued' ? evolveQueued(row, event, event.data.tasks[0]!) : evolveTask(row, event),
    emptyTask(taskId, runId),
  );
}

describe('a task row', () => {
  it('is QUEUED with its plan fields after tasks.queued', () => {
    expect(given(queued())).toMatchObject({
      taskStatus: 'QUEUED',
      selection: 'S1',
      startDate: '2023-01-01 00:00',
      endDate: '2023-01-01 23:59',
      attempt: 0,
      generation: 0,
    });
  });

  it('stays STARTED, with the error, after a failure that will be retried', () => {
    const row = given(queued(), started(1), failed(1, false));
    expect(row).toMatchObject({
      taskStatus: 'STARTED',
      attempt: 1,
      error: 'transient: boom',
      finishedAt: null,
    });
  });

  it('is FINISHED by the retry that succeeded, whatever order the events came in', () => {
    const events = [queued(), started(1), failed(1, false), started(2), finished(2)];
    const inOrder = given(...events);
    expect(inOrder).toMatchObject({
      taskStatus: 'FINISHED',
      attempt: 2,
      workerId: 'w2',
      durationMs: 42,
      error: null,
    });
    expect(given(...[...events].reverse())).toEqual(inOrder);
    // A late start of the first attempt changes nothing.
    expect(given(...events, events[1]!)).toEqual(inOrder);
  });

  it('gets its plan fields from a tasks.queued that arrives after its task.finished', () => {
    const row = given(finished(1), queued());
    expect(row).toMatchObject({ taskStatus: 'FINISHED', selection: 'S1', startDate: '2023-01-01 00:00' });
  });

  it('is QUEUED again in a retry generation, and an event of the old generation does not undo that', () => {
    const old = [queued(), started(1), failed(1, true)];
    const retry = queued(1);
    const row = given(...old, retry);
    expect(row).toMatchObject({
      taskStatus: 'QUEUED',
      generation: 1,
      attempt: 0,
      error: null,
      workerId: null,
      finishedAt: null,
      startedAt: null,
    });
    expect(given(retry, ...old)).toEqual(row);
    const done = given(...old, retry, started(1, 1), finished(1, 1));
    expect(done).toMatchObject({ taskStatus: 'FINISHED', generation: 1, attempt: 1 });
    expect(done.startedAt).not.toBeNull();
  });

  it('is CANCELLED when its worker skipped it', () => {
    const cancelled = createEvent('task.cancelled', {
      runId,
      taskId,
      producer: 'worker',
      now: now(),
      data: { workerId: 'w9', generation: 0 },
    });
    expect(given(queued(), cancelled)).toMatchObject({ taskStatus: 'CANCELLED', workerId: 'w9' });
  });

  it('is the same for every order of the same events, with repeats', () => {
    const events = [
      queued(),
      started(1),
      failed(1, false),
      started(2),
      failed(2, true),
      queued(1),
      started(1, 1),
      finished(1, 1),
    ];
    const expected = given(...events);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length }),
        fc.array(fc.nat(events.length - 1)),
        (order, repeats) => {
          expect(given(...order, ...repeats.map((i) => events[i]!))).toEqual(expected);
        },
      ),
    );
  });
});

describe('the calculation version', () => {
  it('is the finishing attempt’s, and none while a new generation runs', () => {
    const versioned = (event: ReturnType<typeof finished>) => ({
      ...event,
      data: { ...event.data, calculationVersion: '2.1' },
    });
    expect(given(queued(), versioned(finished(1))).calculationVersion).toBe('2.1');
    expect(given(queued(), finished(1)).calculationVersion).toBeNull();
    expect(given(queued(), versioned(finished(1)), queued(1)).calculationVersion).toBeNull();
  });
});

describe('reused_from', () => {
  const source = '6f1c2a3b-0000-5000-8000-000000000001';
  const reused = (event: ReturnType<typeof finished>) => ({
    ...event,
    data: { ...event.data, reusedFrom: source },
  });

  it('is the reused task of the finishing attempt, and none while a new generation runs', () => {
    expect(given(queued(), reused(finished(1))).reusedFrom).toBe(source);
    expect(given(queued(), finished(1)).reusedFrom).toBeNull();
    expect(given(reused(finished(1)), queued()).reusedFrom).toBe(source);
    expect(given(queued(), reused(finished(1)), queued(1)).reusedFrom).toBeNull();
  });
});
