import { z } from 'zod';
import { MAX_MESSAGE_BYTES } from './bounds.js';
import type { EventType } from './events.js';

/**
 * A batch message (DESIGN §2.4): one broker message on the events exchange holding a list of complete
 * envelopes, each with its own id — `{"type": "event.batch", "version": 1, "events": [envelope, …]}`.
 * It travels with the routing key `batch.task`, to which every queue that consumes task events is
 * bound (the poller's, each gateway replica's), so that it reaches all of them. A single envelope
 * (a foreign worker's) stays valid beside it: consumers tell the two apart by `type`.
 */
export const BATCH_TYPE = 'event.batch';
export const BATCH_ROUTING_KEY = 'batch.task';

/** Most envelopes in one batch message; a batch stays under MAX_MESSAGE_BYTES too. */
export const MAX_BATCH_EVENTS = 1000;

/**
 * The event types a batch may hold: those of task outcomes, which the same consumers take (every
 * queue bound to `batch.task` is bound to each of them). A batch is never the way to reach the leader.
 */
export const BATCHABLE_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'task.started',
  'task.finished',
  'task.failed',
  'task.cancelled',
]);

/** The frame of a batch message; each entry is checked as an envelope of its own. */
export const EventBatch = z.object({
  type: z.literal(BATCH_TYPE),
  version: z.literal(1),
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});

/** Bytes of a batch message besides its entries and their commas: `{"type":…,"events":[]}`. */
const FRAME_BYTES = Buffer.byteLength(JSON.stringify({ type: BATCH_TYPE, version: 1, events: [] }));

/**
 * Serialized envelopes grouped into batch message bodies: each at most MAX_BATCH_EVENTS entries and
 * MAX_MESSAGE_BYTES bytes, in the order given. An envelope too large for a message of its own is the
 * caller's to refuse before this (assertByteSize).
 */
export function packBatches(envelopes: Buffer[]): Buffer[][] {
  const batches: Buffer[][] = [];
  let current: Buffer[] = [];
  let bytes = FRAME_BYTES;
  for (const envelope of envelopes) {
    const added = envelope.length + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && (current.length >= MAX_BATCH_EVENTS || bytes + added > MAX_MESSAGE_BYTES)) {
      batches.push(current);
      current = [];
      bytes = FRAME_BYTES;
    }
    bytes += envelope.length + (current.length > 0 ? 1 : 0);
    current.push(envelope);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** A batch message's body from serialized envelopes (no envelope is parsed or serialized again). */
export function batchBody(envelopes: Buffer[]): Buffer {
  return Buffer.concat([
    Buffer.from(`{"type":"${BATCH_TYPE}","version":1,"events":[`),
    ...envelopes.flatMap((envelope, index) => (index === 0 ? [envelope] : [Buffer.from(','), envelope])),
    Buffer.from(']}'),
  ]);
}
