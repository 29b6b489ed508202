import { z } from 'zod';
import { EnvelopeHeader } from './envelope.js';
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

export const notificationDataSchemas = {
  'run.progress': RunProgressData,
  'task.heartbeat': TaskHeartbeatData,
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
]);
export type ConveyorNotification = z.infer<typeof ConveyorNotification>;
