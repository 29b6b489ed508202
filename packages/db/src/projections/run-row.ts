import { isTerminalRunStatus, type ConveyorEvent } from '@conveyor/messages';
import type { runs } from '../schema.js';
import { toDatetime } from '../datetime.js';
import { greater, instant, pad } from './keys.js';

export type RunRow = typeof runs.$inferSelect;

export function emptyRun(id: string): RunRow {
  return {
    id,
    status: 'REQUESTED',
    statusKey: '',
    windowStart: null,
    windowEnd: null,
    chunk: null,
    selections: null,
    topologySource: null,
    calculation: null,
    requestedBy: null,
    requestedAt: null,
    topologyId: null,
    taskCount: null,
    generation: 0,
    plannedCount: null,
    startedAt: null,
    completedAt: null,
    reason: null,
    cancelRequested: false,
    completedGeneration: null,
    completionPublished: false,
    reasonKey: '',
    topologyKey: '',
    queuedCount: 0,
    startedCount: 0,
    finishedCount: 0,
    failedCount: 0,
    cancelledCount: 0,
  };
}

/**
 * Whether the run has ended and its `run.completed` is recorded: where live views of it stop. (A retry
 * reopens a run whose completion was published, hence both.)
 */
export const hasCompleted = (run: Pick<RunRow, 'status' | 'completionPublished'>): boolean =>
  isTerminalRunStatus(run.status) && run.completionPublished;

/** Status moves by (generation, rank): a run.planned of a newer generation (a retry) reopens the run. */
const RANK = { REQUESTED: 0, BUILDING_TOPOLOGY: 1, RUNNING: 2, TERMINAL: 3 } as const;

/** Orders the events that set a group of columns: the greatest key wins. */
const keyOf = (event: ConveyorEvent, generation: number, rank: number) =>
  `${pad(generation)}|${rank}|${instant(event.occurredAt)}|${event.id}`;

function withStatus(
  row: RunRow,
  event: ConveyorEvent,
  generation: number,
  rank: number,
  status: RunRow['status'],
): RunRow {
  const key = keyOf(event, generation, rank);
  if (!greater(row.statusKey || null, key)) return row;
  return {
    ...row,
    status,
    statusKey: key,
    completedAt: rank === RANK.TERMINAL ? toDatetime(event.occurredAt) : null,
  };
}

/**
 * `reason` follows the latest of: a pre-plan failure (topology.failed, run.plan-failed), a plan
 * (which clears it: the run runs again) and a completion (its reason, none when it succeeded).
 */
function withReason(
  row: RunRow,
  event: ConveyorEvent,
  generation: number,
  rank: number,
  reason: string | null,
) {
  const key = keyOf(event, generation, rank);
  return greater(row.reasonKey || null, key) ? { ...row, reason, reasonKey: key } : row;
}

/** `topology_id` is the one of the latest topology.built / run.planned. */
function withTopology(
  row: RunRow,
  event: ConveyorEvent,
  generation: number,
  rank: number,
  topologyId: string,
) {
  const key = keyOf(event, generation, rank);
  return greater(row.topologyKey || null, key) ? { ...row, topologyId, topologyKey: key } : row;
}

/** The event types evolveRun leaves a run row as it is for (the cases that `return row`). */
const UNPROJECTED_ON_RUNS: ReadonlySet<ConveyorEvent['type']> = new Set([
  'run.retry-requested',
  'run.plan-published',
  'tasks.queued',
  'task.started',
  'task.finished',
  'task.failed',
  'task.cancelled',
] as const);

/** Whether evolveRun can change a run row for an event of this type (the others leave it as it is). */
export function changesRun(type: ConveyorEvent['type']): boolean {
  return !UNPROJECTED_ON_RUNS.has(type);
}

/** The `runs` row after one more event. Commutative and idempotent over a run's events. */
export function evolveRun(row: RunRow, event: ConveyorEvent): RunRow {
  switch (event.type) {
    case 'run.requested': {
      const next: RunRow = {
        ...row,
        windowStart: event.data.window.start,
        windowEnd: event.data.window.end,
        chunk: event.data.chunk,
        selections: event.data.selections,
        topologySource: event.data.topologySource,
        calculation: event.data.calculation,
        requestedBy: event.data.requestedBy,
        requestedAt: toDatetime(event.occurredAt),
      };
      return withStatus(next, event, 0, RANK.REQUESTED, 'REQUESTED');
    }
    case 'topology.built':
      return withStatus(
        withTopology(row, event, 0, RANK.BUILDING_TOPOLOGY, event.data.topologyId),
        event,
        0,
        RANK.BUILDING_TOPOLOGY,
        'BUILDING_TOPOLOGY',
      );
    case 'topology.failed':
      return withReason(row, event, 0, RANK.BUILDING_TOPOLOGY, event.data.reason);
    case 'run.plan-failed':
      return withReason(row, event, 0, RANK.RUNNING, event.data.reason);
    case 'run.planned': {
      const g = event.data.generation;
      const next: RunRow = {
        ...withReason(
          withTopology(row, event, g, RANK.RUNNING, event.data.topologyId),
          event,
          g,
          RANK.RUNNING,
          null,
        ),
      };
      if (g >= next.generation) Object.assign(next, { generation: g, plannedCount: event.data.taskCount });
      if (g === 0) next.taskCount = event.data.taskCount;
      const at = toDatetime(event.occurredAt);
      if (next.startedAt === null || at < next.startedAt) next.startedAt = at;
      return withStatus(next, event, g, RANK.RUNNING, 'RUNNING');
    }
    case 'run.completed': {
      const g = event.data.generation;
      const completedGeneration = Math.max(row.completedGeneration ?? -1, g);
      const next: RunRow = withReason(
        {
          ...row,
          completedGeneration,
          completionPublished: row.completionPublished || g === completedGeneration,
        },
        event,
        g,
        RANK.TERMINAL,
        event.data.reason ?? null,
      );
      return withStatus(next, event, g, RANK.TERMINAL, event.data.status);
    }
    case 'run.cancel-requested':
    case 'run.cancelled':
      return { ...row, cancelRequested: true };
    // The types of UNPROJECTED_ON_RUNS.
    case 'run.retry-requested':
    case 'run.plan-published': // recorded (the leader asks whether it is), projected nowhere
    case 'tasks.queued':
    case 'task.started':
    case 'task.finished':
    case 'task.failed':
    case 'task.cancelled':
      return row;
    default: {
      const unknown: never = event;
      throw new Error(`no projection for ${JSON.stringify(unknown)}`);
    }
  }
}
