import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent, type ConveyorEvent, type TerminalRunStatus } from '@conveyor/messages';
import { emptyRun, evolveRun, type RunRow } from './run-row.js';

const runId = '33333333-3333-4333-8333-333333333333';
let clock = Date.UTC(2024, 0, 1);
const now = () => new Date((clock += 1000)); // 1 s apart
const counts = { total: 2, queued: 0, started: 0, finished: 1, failed: 1, cancelled: 0 };

const requested = () =>
  createEvent('run.requested', {
    runId,
    producer: 'gateway',
    now: now(),
    data: {
      window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
      chunk: 'week',
      selections: ['S1', 'S2'],
      topologySource: 'file:grid.json',
      calculation: 'grid-load',
      requestedBy: 'ops',
    },
  });
const built = () =>
  createEvent('topology.built', {
    runId,
    producer: 'topology',
    now: now(),
    data: {
      topologyId: 'topo-1',
      contentHash: 'h',
      selections: ['S1', 'S2'],
      nodeCount: 9,
      buildMs: 3,
      request: {
        window: { start: '2024-01-01 00:00', end: '2024-01-31 23:59' },
        chunk: 'month',
        selections: null,
        calculation: 'grid-load',
      },
    },
  });
const planned = (generation: number, taskCount: number) =>
  createEvent('run.planned', {
    runId,
    producer: 'leader',
    now: now(),
    data: { topologyId: 'topo-1', taskCount, generation },
  });
const completed = (generation: number, status: TerminalRunStatus, reason?: string) =>
  createEvent('run.completed', {
    runId,
    producer: 'poller',
    now: now(),
    data: { status, counts, durationMs: 10, generation, ...(reason ? { reason } : {}) },
  });

/** Given these events (in this order), the run's row. */
const given = (...events: ConveyorEvent[]): RunRow => events.reduce(evolveRun, emptyRun(runId));

describe('a run row', () => {
  it('holds the request and is REQUESTED after run.requested', () => {
    expect(given(requested())).toMatchObject({
      status: 'REQUESTED',
      windowStart: '2023-01-01 00:00',
      windowEnd: '2023-01-31 23:59',
      chunk: 'week',
      selections: ['S1', 'S2'],
      topologySource: 'file:grid.json',
      requestedBy: 'ops',
    });
  });

  it('is BUILDING_TOPOLOGY once the topology is built, then RUNNING once planned', () => {
    expect(given(requested(), built())).toMatchObject({ status: 'BUILDING_TOPOLOGY', topologyId: 'topo-1' });
    const running = given(requested(), built(), planned(0, 12));
    expect(running).toMatchObject({ status: 'RUNNING', taskCount: 12, plannedCount: 12, generation: 0 });
    expect(running.startedAt).not.toBeNull();
  });

  it('keeps the reason of a failed topology until its completion', () => {
    const failed = createEvent('topology.failed', {
      runId,
      producer: 'topology',
      now: now(),
      data: { reason: 'node n1 feeds itself' },
    });
    const request = requested();
    expect(given(request, failed)).toMatchObject({ status: 'REQUESTED', reason: 'node n1 feeds itself' });
    const done = completed(0, 'FAILED', 'node n1 feeds itself');
    expect(given(request, failed, done)).toMatchObject({
      status: 'FAILED',
      reason: 'node n1 feeds itself',
    });
    expect(given(done, failed, request)).toEqual(given(request, failed, done));
  });

  it('takes the reason of a failed plan', () => {
    const planFailed = createEvent('run.plan-failed', {
      runId,
      producer: 'leader',
      now: now(),
      data: { reason: 'unknown selections: S9' },
    });
    expect(given(requested(), built(), planFailed)).toMatchObject({
      status: 'BUILDING_TOPOLOGY',
      reason: 'unknown selections: S9',
      plannedCount: null,
    });
  });

  it('is RUNNING again in a retry generation, then SUCCEEDED without the old reason', () => {
    const first = [requested(), built(), planned(0, 2), completed(0, 'FAILED', '1 of 2 tasks failed')];
    const retry = planned(1, 1);
    expect(given(...first, retry)).toMatchObject({
      status: 'RUNNING',
      generation: 1,
      taskCount: 2,
      plannedCount: 1,
      reason: null,
      completedAt: null,
      completedGeneration: 0,
    });
    const second = completed(1, 'SUCCEEDED');
    const done = given(...first, retry, second);
    expect(done).toMatchObject({ status: 'SUCCEEDED', generation: 1, completedGeneration: 1, reason: null });
    // A late completion of the first generation does not undo the retry's.
    expect(given(retry, second, ...first)).toEqual(done);
  });

  it('notes a cancellation request', () => {
    const cancel = createEvent('run.cancel-requested', {
      runId,
      producer: 'gateway',
      now: now(),
      data: { requestedBy: 'ops' },
    });
    expect(given(requested(), built(), planned(0, 2), cancel)).toMatchObject({
      status: 'RUNNING',
      cancelRequested: true,
    });
  });

  it('is the same for every order of the same events, with repeats', () => {
    const events = [
      requested(),
      built(),
      planned(0, 3),
      completed(0, 'FAILED', '1 of 3 tasks failed'),
      planned(1, 1),
      completed(1, 'SUCCEEDED'),
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
