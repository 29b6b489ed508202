// An event of a run as clients see it, whether read from the event store or received live.
import { datetimeIso, type listRunEvents } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';

export type RunEventView = {
  id: string;
  type: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  taskId: string | null;
  producer: string;
  data: unknown;
  /** Position in the event store; null for an event received live. */
  position: number | null;
};

type RecordedEvent = Awaited<ReturnType<typeof listRunEvents>>[number];

export function recordedEventView(row: RecordedEvent): RunEventView {
  return {
    id: row.eventId,
    type: row.type,
    occurredAt: datetimeIso(row.occurredAt),
    taskId: row.taskId,
    producer: row.producer,
    data: row.data,
    position: row.position,
  };
}

export function liveEventView(event: ConveyorEvent): RunEventView {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    taskId: event.taskId ?? null,
    producer: event.producer,
    data: event.data,
    position: null,
  };
}
