import { z } from 'zod';
import { BOUNDS } from './bounds.js';

/** The versions of the envelope format this code understands; anything else is dead-lettered. */
export const KNOWN_VERSIONS = [1] as const;

/** ISO-8601 UTC timestamp, as produced by `Date.prototype.toISOString()`. */
export const IsoTimestamp = z.iso.datetime();

/** `YYYY-MM-DD HH:mm` in UTC, the seed's date format. */
export const TaskDate = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:mm"');

/** Every message on the broker travels in this envelope. `type` is also the routing key. */
export const EnvelopeHeader = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(BOUNDS.name),
  version: z.number().int().positive(),
  occurredAt: IsoTimestamp,
  producer: z.string().min(1).max(BOUNDS.name),
  runId: z.uuid(),
  taskId: z.uuid().optional(),
  data: z.unknown(),
});
export type EnvelopeHeader = z.infer<typeof EnvelopeHeader>;
