import { v4 as uuidv4 } from 'uuid';
import type { EventData, EventOf, EventType } from './events.js';

/** Builds an event envelope. `id` defaults to a random uuid; pass `eventIdFor(…)` for idempotent events. */
export function createEvent<T extends EventType>(
  type: T,
  fields: { runId: string; taskId?: string; producer: string; data: EventData<T>; id?: string; now?: Date },
): EventOf<T> {
  return {
    id: fields.id ?? uuidv4(),
    type,
    version: 1,
    occurredAt: (fields.now ?? new Date()).toISOString(),
    producer: fields.producer,
    runId: fields.runId,
    ...(fields.taskId === undefined ? {} : { taskId: fields.taskId }),
    data: fields.data,
  } as EventOf<T>;
}
