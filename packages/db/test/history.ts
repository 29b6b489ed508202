// Realistic event histories of runs, as the services publish them, for projection tests.
import { v4 as uuidv4 } from 'uuid';
import {
  createEvent,
  taskIdFor,
  type ConveyorEvent,
  type TerminalRunStatus,
  type QueuedTask,
} from '@conveyor/messages';

let clock = Date.UTC(2024, 0, 1);
const at = () => new Date((clock += 7)); // 7 ms between events

export type TaskFate =
  'finished' | 'reused' | 'retried-then-finished' | 'failed' | 'cancelled' | 'failed-then-retried';

export type HistoryOptions = {
  runId?: string;
  /** Cancellation is requested once the tasks are queued; the run completes CANCELLED. */
  cancel?: boolean;
  /** Where the run stops before it is planned: the topology service or the leader fails it. */
  failBeforePlan?: 'topology' | 'plan';
};

function requested(runId: string): ConveyorEvent[] {
  return [
    createEvent('run.requested', {
      runId,
      producer: 'gateway',
      now: at(),
      data: {
        window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
        chunk: 'day',
        selections: null,
        topologySource: 'synthetic:substations=1&nodes=1&seed=1',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
  ];
}

function built(runId: string): ConveyorEvent {
  return createEvent('topology.built', {
    runId,
    producer: 'topology',
    now: at(),
    data: {
      topologyId: 'topo-1',
      contentHash: 'h',
      selections: ['1'],
      nodeCount: 1,
      buildMs: 1,
      request: {
        window: { start: '2024-01-01 00:00', end: '2024-01-31 23:59' },
        chunk: 'month',
        selections: null,
        calculation: 'grid-load',
      },
    },
  });
}

function completed(
  runId: string,
  generation: number,
  status: TerminalRunStatus,
  reason?: string,
): ConveyorEvent {
  const counts = { total: 0, queued: 0, started: 0, finished: 0, failed: 0, cancelled: 0 };
  return createEvent('run.completed', {
    runId,
    producer: 'poller',
    now: at(),
    data: { status, counts, durationMs: 10, generation, ...(reason ? { reason } : {}) },
  });
}

/** The events of one task's fate in a generation, as its worker publishes them. */
function taskEvents(runId: string, taskId: string, fate: TaskFate, generation: number): ConveyorEvent[] {
  const task = { runId, taskId, producer: 'worker' };
  const started = (attempt: number) =>
    createEvent('task.started', {
      ...task,
      now: at(),
      data: { attempt, workerId: 'w1', startedAt: at().toISOString(), generation },
    });
  const finished = (attempt: number, reusedFrom?: string) =>
    createEvent('task.finished', {
      ...task,
      now: at(),
      data: {
        attempt,
        workerId: 'w1',
        finishedAt: at().toISOString(),
        durationMs: 5 + attempt,
        summary: { cables: 3, generation },
        resultRows: 3,
        generation,
        ...(reusedFrom ? { reusedFrom } : {}),
      },
    });
  const failed = (attempt: number, final: boolean) =>
    createEvent('task.failed', {
      ...task,
      now: at(),
      data: {
        attempt,
        workerId: 'w2',
        error: { message: `boom ${attempt}`, kind: final ? 'permanent' : 'transient' },
        final,
        generation,
      },
    });
  switch (fate) {
    case 'finished':
      return [started(1), finished(1)];
    case 'reused': // an earlier run's task gave its partition: nothing started, nothing computed
      return [finished(1, uuidv4())];
    case 'retried-then-finished':
      return [started(1), failed(1, false), started(2), finished(2)];
    case 'failed':
    case 'failed-then-retried':
      return [started(1), failed(1, true)];
    case 'cancelled':
      return [createEvent('task.cancelled', { ...task, now: at(), data: { workerId: 'w1', generation } })];
  }
}

/**
 * run.requested → topology.built → run.planned → tasks.queued → each task's fate → run.completed;
 * then, when a task is 'failed-then-retried', a retry: run.retry-requested → run.planned and
 * tasks.queued of generation 1 → those tasks finish → a second run.completed.
 */
export function runHistory(fates: TaskFate[], options: HistoryOptions = {}): ConveyorEvent[] {
  const runId = options.runId ?? uuidv4();
  const events = requested(runId);
  if (options.failBeforePlan === 'topology') {
    const reason = 'node n7: feeds itself';
    events.push(createEvent('topology.failed', { runId, producer: 'topology', now: at(), data: { reason } }));
    return [...events, completed(runId, 0, 'FAILED', reason)];
  }
  events.push(built(runId));
  if (options.failBeforePlan === 'plan') {
    const reason = 'unknown selections: 9';
    events.push(createEvent('run.plan-failed', { runId, producer: 'leader', now: at(), data: { reason } }));
    return [...events, completed(runId, 0, 'FAILED', reason)];
  }

  const tasks: QueuedTask[] = fates.map((_, i) => {
    const startDate = `2023-01-${String(i + 1).padStart(2, '0')} 00:00`;
    return {
      taskId: taskIdFor(runId, '1', startDate),
      selection: '1',
      startDate,
      endDate: startDate.replace('00:00', '23:59'),
    };
  });
  const plan = (generation: number, queued: QueuedTask[]) => [
    createEvent('run.planned', {
      runId,
      producer: 'leader',
      now: at(),
      data: { topologyId: 'topo-1', taskCount: queued.length, generation },
    }),
    // Two batches, as the leader splits big plans.
    ...[queued.slice(0, 2), queued.slice(2)]
      .filter((batch) => batch.length > 0)
      .map((batch) =>
        createEvent('tasks.queued', {
          runId,
          producer: 'leader',
          now: at(),
          data: { tasks: batch, generation },
        }),
      ),
  ];
  events.push(...plan(0, tasks));
  if (options.cancel)
    events.push(
      createEvent('run.cancel-requested', {
        runId,
        producer: 'gateway',
        now: at(),
        data: { requestedBy: 'test' },
      }),
    );
  fates.forEach((fate, i) => events.push(...taskEvents(runId, tasks[i]!.taskId, fate, 0)));

  const failed = fates.filter((f) => f === 'failed' || f === 'failed-then-retried').length;
  if (options.cancel) events.push(completed(runId, 0, 'CANCELLED', 'cancelled on request'));
  else if (failed > 0)
    events.push(completed(runId, 0, 'FAILED', `${failed} of ${fates.length} tasks failed`));
  else events.push(completed(runId, 0, 'SUCCEEDED'));

  const retried = tasks.filter((_, i) => fates[i] === 'failed-then-retried');
  if (retried.length === 0 || options.cancel) return events;
  events.push(
    createEvent('run.retry-requested', {
      runId,
      producer: 'gateway',
      now: at(),
      data: { taskIds: null, requestedBy: 'test' },
    }),
  );
  events.push(...plan(1, retried));
  retried.forEach((task) => events.push(...taskEvents(runId, task.taskId, 'finished', 1)));
  const stillFailed = failed - retried.length;
  events.push(
    stillFailed > 0
      ? completed(runId, 1, 'FAILED', `${stillFailed} of ${fates.length} tasks failed`)
      : completed(runId, 1, 'SUCCEEDED'),
  );
  return events;
}
