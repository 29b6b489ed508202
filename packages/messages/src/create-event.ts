import { v4 as uuidv4 } from 'uuid';
import { assertMessageSize } from './bounds.js';
import { ConveyorEvent, type EventData, type EventOf, type EventType } from './events.js';

/** Marks an envelope createEvent validated: not enumerable, so neither JSON nor a spread copy carries it. */
const VALIDATED = Symbol('validated by createEvent');

/**
 * Whether `event` is an envelope createEvent built (and validated then): publishing it need not
 * validate it again. A spread copy, or anything built by hand, is not; changing a built event
 * afterwards is the caller's bug, which publishing does not catch.
 */
export function isBuiltEvent(event: ConveyorEvent): boolean {
  return Object.hasOwn(event, VALIDATED);
}

/**
 * Builds an event envelope, validated once here (the broker does not validate it again). `id`
 * defaults to a random uuid; pass `eventIdFor(…)` for idempotent events. Throws a ZodError when the
 * envelope breaks its schema, a PermanentError when it is over 1 MiB (MAX_MESSAGE_BYTES).
 */
export function createEvent<T extends EventType>(
  type: T,
  fields: { runId: string; taskId?: string; producer: string; data: EventData<T>; id?: string; now?: Date },
): EventOf<T> {
  const event = ConveyorEvent.parse({
    id: fields.id ?? uuidv4(),
    type,
    version: 1,
    occurredAt: (fields.now ?? new Date()).toISOString(),
    producer: fields.producer,
    runId: fields.runId,
    ...(fields.taskId === undefined ? {} : { taskId: fields.taskId }),
    data: fields.data,
  }) as EventOf<T>;
  // Refused here, before the producer acks or commits anything on the strength of publishing it.
  assertMessageSize(event, `the ${type} event`);
  Object.defineProperty(event, VALIDATED, { value: true, enumerable: false });
  return event;
}
