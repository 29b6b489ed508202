import { v4 as uuidv4 } from 'uuid';
import { assertMessageSize } from './bounds.js';
import type { EventData, EventOf, EventType } from './events.js';

/**
 * Builds an event envelope. `id` defaults to a random uuid; pass `eventIdFor(…)` for idempotent events.
 * Throws a PermanentError when the envelope is over 1 MiB (MAX_MESSAGE_BYTES).
 */
export function createEvent<T extends EventType>(
  type: T,
  fields: { runId: string; taskId?: string; producer: string; data: EventData<T>; id?: string; now?: Date },
): EventOf<T> {
  const event = {
    id: fields.id ?? uuidv4(),
    type,
    version: 1,
    occurredAt: (fields.now ?? new Date()).toISOString(),
    producer: fields.producer,
    runId: fields.runId,
    ...(fields.taskId === undefined ? {} : { taskId: fields.taskId }),
    data: fields.data,
  } as EventOf<T>;
  // Refused here, before the producer acks or commits anything on the strength of publishing it.
  assertMessageSize(event, `the ${type} event`);
  return event;
}
