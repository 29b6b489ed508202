import { v4 as uuidv4 } from 'uuid';
import type { z } from 'zod';
import type { NotificationType, notificationDataSchemas } from './notifications.js';

/** Builds a notification envelope (never recorded, so its id is always random). */
export function createNotification<T extends NotificationType>(
  type: T,
  fields: {
    runId: string;
    taskId?: string;
    producer: string;
    data: z.infer<(typeof notificationDataSchemas)[T]>;
    now?: Date;
  },
) {
  return {
    id: uuidv4(),
    type,
    version: 1 as const,
    occurredAt: (fields.now ?? new Date()).toISOString(),
    producer: fields.producer,
    runId: fields.runId,
    ...(fields.taskId === undefined ? {} : { taskId: fields.taskId }),
    data: fields.data,
  };
}
