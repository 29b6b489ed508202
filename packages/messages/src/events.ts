import { z } from 'zod';
import { BOUNDS } from './bounds.js';
import { EnvelopeHeader, TaskDate, IsoTimestamp } from './envelope.js';
import { MAX_BUNDLE_SIZE } from './task.js';

export const Chunk = z.enum(['none', 'day', 'week', 'month']);
export type Chunk = z.infer<typeof Chunk>;

/** The statuses of a run that has not ended yet. */
export const ActiveRunStatus = z.enum(['REQUESTED', 'BUILDING_TOPOLOGY', 'RUNNING']);
export type ActiveRunStatus = z.infer<typeof ActiveRunStatus>;
/** The statuses a run ends in (`run.completed` says which); a retry may reopen it. */
export const TerminalRunStatus = z.enum(['SUCCEEDED', 'FAILED', 'CANCELLED']);
export type TerminalRunStatus = z.infer<typeof TerminalRunStatus>;

export const RunStatus = z.enum([...ActiveRunStatus.options, ...TerminalRunStatus.options]);
export type RunStatus = z.infer<typeof RunStatus>;

const terminalRunStatuses: ReadonlySet<string> = new Set(TerminalRunStatus.options);
/** Whether a run in `status` has ended: one of TerminalRunStatus. */
export const isTerminalRunStatus = (status: string): status is TerminalRunStatus =>
  terminalRunStatuses.has(status);

export const TaskStatus = z.enum(['QUEUED', 'STARTED', 'FINISHED', 'FAILED', 'CANCELLED']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Counts of a run's tasks per status. */
export const TaskCounts = z.object({
  total: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
  started: z.number().int().nonnegative(),
  finished: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type TaskCounts = z.infer<typeof TaskCounts>;

const Generation = z.number().int().nonnegative().max(BOUNDS.generation);
/** Bounded strings (DESIGN §2.1): each fits the column that stores it. */
const Id = z.string().min(1).max(BOUNDS.id);
const Name = z.string().min(1).max(BOUNDS.name);
const Reason = z.string().min(1).max(BOUNDS.reason);
const RequestedBy = z.string().min(1).max(BOUNDS.requestedBy);
const Attempt = z.number().int().positive().max(BOUNDS.attempt);

export const RunRequestedData = z.object({
  window: z.object({ start: TaskDate, end: TaskDate }),
  chunk: Chunk,
  selections: z.array(Id).nullable(),
  topologySource: z.string().min(1).max(BOUNDS.source),
  calculation: Name,
  requestedBy: RequestedBy,
  /** Take the result partition of an equal finished task of an earlier run instead of computing (DESIGN §6). */
  reuse: z.boolean().optional(),
  /** Tasks per task message (DESIGN §2.2): absent or 1 is the seed's single message. */
  bundleSize: z.number().int().min(1).max(MAX_BUNDLE_SIZE).optional(),
});

/** What the leader needs of run.requested to plan a run, carried by topology.built (DESIGN §2.1). */
export const PlanRequest = RunRequestedData.pick({
  window: true,
  chunk: true,
  selections: true,
  calculation: true,
  reuse: true,
  bundleSize: true,
});
export type PlanRequest = z.infer<typeof PlanRequest>;

export const TopologyBuiltData = z.object({
  topologyId: Name,
  contentHash: Name,
  selections: z.array(Id),
  nodeCount: z.number().int().nonnegative(),
  buildMs: z.number().nonnegative(),
  /** The run's request, copied from run.requested: the leader plans from this one event. */
  request: PlanRequest,
});

export const TopologyFailedData = z.object({ reason: Reason });

export const RunPlannedData = z.object({
  topologyId: Name,
  taskCount: z.number().int().nonnegative(),
  generation: Generation,
  /** The run.retry-requested (event id) this generation answers; absent for generation 0. */
  retryOf: z.uuid().optional(),
});

/** Every task message of a generation is confirmed by the broker: its plan is complete. */
export const RunPlanPublishedData = z.object({
  generation: Generation,
  taskCount: z.number().int().nonnegative(),
});

export const QueuedTask = z.object({
  taskId: z.uuid(),
  selection: Id,
  startDate: TaskDate,
  endDate: TaskDate,
});
export type QueuedTask = z.infer<typeof QueuedTask>;

export const TasksQueuedData = z.object({
  tasks: z.array(QueuedTask).min(1).max(1000),
  generation: Generation,
});

export const TaskStartedData = z.object({
  attempt: Attempt,
  workerId: Id,
  startedAt: IsoTimestamp,
  generation: Generation,
});

export const TaskFinishedData = z.object({
  attempt: Attempt,
  workerId: Id,
  finishedAt: IsoTimestamp,
  durationMs: z.number().nonnegative(),
  summary: z.record(z.string(), z.unknown()),
  resultRows: z.number().int().nonnegative(),
  generation: Generation,
  /** The version of the calculation plug-in that computed it (absent from older or foreign workers). */
  calculationVersion: z.string().min(1).max(64).optional(),
  /** The task of an earlier run whose result partition this one took instead of computing (`reuse`). */
  reusedFrom: z.uuid().optional(),
});

export const ErrorKind = z.enum(['transient', 'permanent']);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const TaskFailedData = z.object({
  attempt: Attempt,
  workerId: Id,
  error: z.object({ message: z.string().max(BOUNDS.reason), kind: ErrorKind }),
  final: z.boolean(),
  generation: Generation,
});

/** A task skipped because its run was cancelled (the worker acks it without computing). */
export const TaskCancelledData = z.object({
  workerId: Id,
  generation: Generation,
});

export const RunPlanFailedData = z.object({ reason: Reason });

export const RunCancelRequestedData = z.object({ requestedBy: RequestedBy });
export const RunCancelledData = z.object({ requestedBy: RequestedBy });
export const RunRetryRequestedData = z.object({
  taskIds: z.array(z.uuid()).nullable(),
  requestedBy: RequestedBy,
});

export const RunCompletedData = z.object({
  status: TerminalRunStatus,
  counts: TaskCounts,
  durationMs: z.number().nonnegative(),
  generation: Generation,
  reason: z.string().max(BOUNDS.reason).optional(),
});

/** Every event type with the schema of its `data`. The catalogue (catalogue.ts) lists producers and consumers. */
export const eventDataSchemas = {
  'run.requested': RunRequestedData,
  'topology.built': TopologyBuiltData,
  'topology.failed': TopologyFailedData,
  'run.planned': RunPlannedData,
  'run.plan-failed': RunPlanFailedData,
  'run.plan-published': RunPlanPublishedData,
  'tasks.queued': TasksQueuedData,
  'task.started': TaskStartedData,
  'task.finished': TaskFinishedData,
  'task.failed': TaskFailedData,
  'task.cancelled': TaskCancelledData,
  'run.cancel-requested': RunCancelRequestedData,
  'run.cancelled': RunCancelledData,
  'run.retry-requested': RunRetryRequestedData,
  'run.completed': RunCompletedData,
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];

function eventSchema<T extends EventType>(type: T) {
  return EnvelopeHeader.extend({
    type: z.literal(type),
    version: z.literal(1),
    data: eventDataSchemas[type],
  });
}

export const ConveyorEvent = z.discriminatedUnion('type', [
  eventSchema('run.requested'),
  eventSchema('topology.built'),
  eventSchema('topology.failed'),
  eventSchema('run.planned'),
  eventSchema('run.plan-failed'),
  eventSchema('run.plan-published'),
  eventSchema('tasks.queued'),
  eventSchema('task.started').extend({ taskId: z.uuid() }),
  eventSchema('task.finished').extend({ taskId: z.uuid() }),
  eventSchema('task.failed').extend({ taskId: z.uuid() }),
  eventSchema('task.cancelled').extend({ taskId: z.uuid() }),
  eventSchema('run.cancel-requested'),
  eventSchema('run.cancelled'),
  eventSchema('run.retry-requested'),
  eventSchema('run.completed'),
]);
export type ConveyorEvent = z.infer<typeof ConveyorEvent>;
export type EventOf<T extends EventType> = Extract<ConveyorEvent, { type: T }>;
export type EventData<T extends EventType> = EventOf<T>['data'];
