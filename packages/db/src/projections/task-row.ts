import type { ConveyorEvent, EventOf, QueuedTask, TaskStatus } from '@conveyor/messages';
import type { runProcess } from '../schema.js';
import { toDatetime } from '../datetime.js';
import { greater, instant, pad } from './keys.js';

export type TaskRow = Omit<typeof runProcess.$inferSelect, 'id'>;

export function emptyTask(taskId: string, runId: string): TaskRow {
  return {
    runId,
    taskId,
    selection: null,
    startDate: null,
    endDate: null,
    taskStatus: 'QUEUED',
    statusKey: '',
    generation: 0,
    attempt: 0,
    workerId: null,
    queuedAt: null,
    queuedKey: null,
    startedAt: null,
    startedKey: null,
    finishedAt: null,
    durationMs: null,
    error: null,
    summary: null,
    calculationVersion: null,
    reusedFrom: null,
    lastHeartbeatAt: null,
  };
}

/**
 * Which event decides a task's status: (generation, rank, attempt, priority), then the event's time
 * and id as a deterministic tie-break. Rank: 0 queued, 1 running (started, or failed with a retry
 * pending), 2 terminal. Priority among terminals of one attempt: finished > failed > cancelled.
 */
type Candidate = { generation: number; rank: number; attempt: number; priority: number; status: TaskStatus };

function decide(row: TaskRow, event: ConveyorEvent, c: Candidate, fields: Partial<TaskRow>): TaskRow {
  const key = `${pad(c.generation)}|${c.rank}|${pad(c.attempt)}|${c.priority}|${instant(event.occurredAt)}|${event.id}`;
  if (!greater(row.statusKey || null, key)) return row;
  return {
    ...row,
    taskStatus: c.status,
    statusKey: key,
    generation: c.generation,
    attempt: c.attempt,
    workerId: null,
    error: null,
    finishedAt: null,
    durationMs: null,
    summary: null,
    calculationVersion: null,
    reusedFrom: null,
    ...fields,
  };
}

/** The `run_process` row of a queued task after its `tasks.queued` event. */
export function evolveQueued(row: TaskRow, event: EventOf<'tasks.queued'>, task: QueuedTask): TaskRow {
  const g = event.data.generation;
  const queuedKey = `${pad(g)}|${instant(event.occurredAt)}|${event.id}`;
  const next: TaskRow = {
    ...row,
    selection: task.selection,
    startDate: task.startDate,
    endDate: task.endDate,
  };
  if (greater(row.queuedKey, queuedKey))
    Object.assign(next, { queuedKey, queuedAt: toDatetime(event.occurredAt) });
  return settleStarted(
    decide(next, event, { generation: g, rank: 0, attempt: 0, priority: 0, status: 'QUEUED' }, {}),
  );
}

/**
 * `started_at` is the start of the latest `task.started` (by `started_key`) when that start belongs
 * to the row's generation, else none: a task queued again in a new generation has not started yet.
 * Both generations only grow, so this is still a function of the set of events.
 */
function settleStarted(row: TaskRow): TaskRow {
  const startedGeneration = row.startedKey ? Number(row.startedKey.slice(0, 6)) : -1;
  return startedGeneration !== row.generation && row.startedAt !== null ? { ...row, startedAt: null } : row;
}

/** The `run_process` row after one more `task.*` event. Commutative and idempotent. */
export function evolveTask(row: TaskRow, event: ConveyorEvent): TaskRow {
  const next = applyTaskEvent(row, event);
  return next === row ? row : settleStarted(next);
}

function applyTaskEvent(row: TaskRow, event: ConveyorEvent): TaskRow {
  switch (event.type) {
    case 'task.started': {
      const { generation, attempt } = event.data;
      const startedKey = `${pad(generation)}|${pad(attempt)}|${instant(event.occurredAt)}|${event.id}`;
      const next = greater(row.startedKey, startedKey)
        ? { ...row, startedKey, startedAt: toDatetime(event.data.startedAt) }
        : row;
      return decide(
        next,
        event,
        { generation, rank: 1, attempt, priority: 0, status: 'STARTED' },
        { workerId: event.data.workerId },
      );
    }
    case 'task.failed': {
      const { generation, attempt, final } = event.data;
      const candidate: Candidate = final
        ? { generation, rank: 2, attempt, priority: 2, status: 'FAILED' }
        : { generation, rank: 1, attempt, priority: 1, status: 'STARTED' };
      return decide(row, event, candidate, {
        workerId: event.data.workerId,
        error: `${event.data.error.kind}: ${event.data.error.message}`,
        finishedAt: final ? toDatetime(event.occurredAt) : null,
      });
    }
    case 'task.finished':
      return decide(
        row,
        event,
        {
          generation: event.data.generation,
          rank: 2,
          attempt: event.data.attempt,
          priority: 3,
          status: 'FINISHED',
        },
        {
          workerId: event.data.workerId,
          finishedAt: toDatetime(event.data.finishedAt),
          durationMs: event.data.durationMs,
          summary: event.data.summary,
          calculationVersion: event.data.calculationVersion ?? null,
          reusedFrom: event.data.reusedFrom ?? null,
        },
      );
    case 'task.cancelled':
      return decide(
        row,
        event,
        { generation: event.data.generation, rank: 2, attempt: 0, priority: 1, status: 'CANCELLED' },
        { workerId: event.data.workerId, finishedAt: toDatetime(event.occurredAt) },
      );
    default:
      return row;
  }
}
