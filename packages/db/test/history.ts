// Realistic event histories of a run, for projection tests.
import { v4 as uuidv4 } from 'uuid';
import { createEvent, taskIdFor, type ConveyorEvent } from '@conveyor/messages';

let clock = Date.UTC(2024, 0, 1);
const at = () => new Date((clock += 7));

export type TaskFate = 'finished' | 'retried-then-finished' | 'failed' | 'cancelled' | 'failed-then-retried';

/** run.requested → topology.built → run.planned → tasks.queued → each task's fate → run.completed (+ a retry generation). */
export function runHistory(fates: TaskFate[], options: { runId?: string } = {}): ConveyorEvent[] {
  const runId = options.runId ?? uuidv4();
  const base = { runId, producer: 'test' };
  const events: ConveyorEvent[] = [
    createEvent('run.requested', {
      ...base,
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
    createEvent('topology.built', {
      ...base,
      now: at(),
      data: { topologyId: 'topo-1', contentHash: 'h', selections: ['1'], nodeCount: 1, buildMs: 1 },
    }),
    createEvent('run.planned', {
      ...base,
      now: at(),
      data: { topologyId: 'topo-1', taskCount: fates.length, generation: 0 },
    }),
  ];
  const tasks = fates.map((_, i) => {
    const startDate = `2023-01-${String(i + 1).padStart(2, '0')} 00:00`;
    return {
      taskId: taskIdFor(runId, '1', startDate),
      selection: '1',
      startDate,
      endDate: startDate.replace('00:00', '23:59'),
    };
  });
  events.push(createEvent('tasks.queued', { ...base, now: at(), data: { tasks, generation: 0 } }));
  const retried: typeof tasks = [];
  fates.forEach((fate, i) => {
    const task = { ...base, taskId: tasks[i]!.taskId };
    const started = (attempt: number, generation = 0) =>
      createEvent('task.started', {
        ...task,
        now: at(),
        data: { attempt, workerId: 'w1', startedAt: at().toISOString(), generation },
      });
    const finished = (attempt: number, generation = 0) =>
      createEvent('task.finished', {
        ...task,
        now: at(),
        data: {
          attempt,
          workerId: 'w1',
          finishedAt: at().toISOString(),
          durationMs: 5,
          summary: { cables: 3 },
          resultRows: 3,
          generation,
        },
      });
    const failed = (attempt: number, final: boolean, generation = 0) =>
      createEvent('task.failed', {
        ...task,
        now: at(),
        data: {
          attempt,
          workerId: 'w2',
          error: { message: 'boom', kind: final ? 'permanent' : 'transient' },
          final,
          generation,
        },
      });
    if (fate === 'finished') events.push(started(1), finished(1));
    if (fate === 'retried-then-finished') events.push(started(1), failed(1, false), started(2), finished(2));
    if (fate === 'failed') events.push(started(1), failed(1, true));
    if (fate === 'cancelled')
      events.push(
        createEvent('task.cancelled', { ...task, now: at(), data: { workerId: 'w1', generation: 0 } }),
      );
    if (fate === 'failed-then-retried') {
      events.push(started(1), failed(1, true));
      retried.push(tasks[i]!);
    }
  });
  const counts = { total: fates.length, queued: 0, started: 0, finished: 0, failed: 0, cancelled: 0 };
  events.push(
    createEvent('run.completed', {
      ...base,
      now: at(),
      data: { status: 'FAILED', counts, durationMs: 10, generation: 0 },
    }),
  );
  if (retried.length) {
    events.push(
      createEvent('run.retry-requested', {
        ...base,
        now: at(),
        data: { taskIds: null, requestedBy: 'test' },
      }),
    );
    events.push(
      createEvent('run.planned', {
        ...base,
        now: at(),
        data: { topologyId: 'topo-1', taskCount: retried.length, generation: 1 },
      }),
    );
    events.push(createEvent('tasks.queued', { ...base, now: at(), data: { tasks: retried, generation: 1 } }));
    for (const t of retried) {
      const task = { ...base, taskId: t.taskId };
      events.push(
        createEvent('task.started', {
          ...task,
          now: at(),
          data: { attempt: 1, workerId: 'w3', startedAt: at().toISOString(), generation: 1 },
        }),
      );
      events.push(
        createEvent('task.finished', {
          ...task,
          now: at(),
          data: {
            attempt: 1,
            workerId: 'w3',
            finishedAt: at().toISOString(),
            durationMs: 5,
            summary: {},
            resultRows: 0,
            generation: 1,
          },
        }),
      );
    }
    events.push(
      createEvent('run.completed', {
        ...base,
        now: at(),
        data: { status: 'SUCCEEDED', counts, durationMs: 10, generation: 1 },
      }),
    );
  }
  return events;
}
