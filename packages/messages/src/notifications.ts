import { z } from 'zod';
import { EnvelopeHeader, IsoTimestamp } from './envelope.js';
import { RunStatus, TaskCounts } from './events.js';

export const RunProgressData = z.object({
  status: RunStatus,
  counts: TaskCounts,
  percent: z.number().min(0).max(100),
  tasksPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  stalledTaskIds: z.array(z.uuid()),
});

export const TaskHeartbeatData = z.object({
  workerId: z.string().min(1),
  attempt: z.number().int().positive(),
  generation: z.number().int().nonnegative(),
  progress: z.number().min(0).max(1).nullable(),
});

/** A calculation a worker offers: its plug-in name and version. */
export const OfferedCalculation = z.object({
  name: z.string().min(1).max(128),
  version: z.string().min(1).max(64),
});

/**
 * A worker announcing itself: at start, every `heartbeatMs` and once more when it stops
 * (`stopping: true`). Not about a run: its envelope's runId is the nil uuid (WORKER_NOTIFICATION_RUN_ID).
 */
export const WorkerHeartbeatData = z.object({
  workerId: z.string().min(1).max(128),
  host: z.string().min(1).max(255),
  /** The worker's software version. */
  version: z.string().min(1).max(64),
  calculations: z.array(OfferedCalculation).max(1000),
  /** Tasks it computes at once (WORKER_CONCURRENCY), and how many of them are busy now. */
  slots: z.number().int().nonnegative(),
  busySlots: z.number().int().nonnegative(),
  /** Tasks it finished since it started (a counter: rates come from its deltas). */
  tasksDone: z.number().int().nonnegative(),
  startedAt: IsoTimestamp,
  /** The interval of its heartbeats (ms): a receiver counts it gone after missing a few. */
  heartbeatMs: z.number().int().positive(),
  stopping: z.boolean(),
});

/** The runId of notifications that belong to no run (worker.heartbeat). */
export const WORKER_NOTIFICATION_RUN_ID = '00000000-0000-0000-0000-000000000000';

export const notificationDataSchemas = {
  'run.progress': RunProgressData,
  'task.heartbeat': TaskHeartbeatData,
  'worker.heartbeat': WorkerHeartbeatData,
} as const;
export type NotificationType = keyof typeof notificationDataSchemas;

export const ConveyorNotification = z.discriminatedUnion('type', [
  EnvelopeHeader.extend({ type: z.literal('run.progress'), version: z.literal(1), data: RunProgressData }),
  EnvelopeHeader.extend({
    type: z.literal('task.heartbeat'),
    version: z.literal(1),
    taskId: z.uuid(),
    data: TaskHeartbeatData,
  }),
  EnvelopeHeader.extend({
    type: z.literal('worker.heartbeat'),
    version: z.literal(1),
    data: WorkerHeartbeatData,
  }),
]);
export type ConveyorNotification = z.infer<typeof ConveyorNotification>;
