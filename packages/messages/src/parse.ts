import { BATCHABLE_TYPES, BATCH_TYPE, EventBatch } from './batch.js';
import { MAX_MESSAGE_BYTES } from './bounds.js';
import { EnvelopeHeader, KNOWN_VERSIONS } from './envelope.js';
import { ConveyorEvent, eventDataSchemas } from './events.js';
import { ConveyorNotification, notificationDataSchemas } from './notifications.js';
import { TaskBundle, TaskMessage, type TaskPayload } from './task.js';
import { truncateText } from './truncate.js';

export { MAX_MESSAGE_BYTES };

/** Longest reason (characters): it travels in a dead-letter header and a log line. */
export const MAX_REASON_LENGTH = 1000;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A refusal, its reason cut to MAX_REASON_LENGTH (a hostile `type` or key can be a megabyte long). */
function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason: truncateText(reason, MAX_REASON_LENGTH) };
}

/** Deepest nesting of arrays and objects accepted: no message needs more than a handful of levels. */
export const MAX_NESTING = 64;

/**
 * Whether the JSON text nests arrays and objects deeper than `max` (brackets inside strings do not
 * count). JSON.parse reads any depth, but JSON.stringify — the poller storing `data`, a log line —
 * overflows the stack on a value nested a few thousand levels deep.
 */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > max) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

function parseJson(content: Buffer): Parsed<unknown> {
  if (content.length > MAX_MESSAGE_BYTES)
    return refuse(`oversized: ${content.length} bytes > ${MAX_MESSAGE_BYTES}`);
  const text = content.toString('utf8');
  if (nestsDeeperThan(text, MAX_NESTING)) return refuse(`nested deeper than ${MAX_NESTING} levels`);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return refuse(`not JSON: ${(error as Error).message}`);
  }
}

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

type Schema<T> = {
  safeParse: (
    v: unknown,
  ) =>
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
};

/**
 * Validates a parsed JSON value as an envelope, once: the full schema first (the common case costs
 * one validation); only a refusal looks at the header, to name what is wrong.
 */
function parseEnvelopeValue<T>(value: unknown, known: Record<string, unknown>, schema: Schema<T>): Parsed<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const header = EnvelopeHeader.safeParse(value);
  if (!header.success) return refuse(`not an envelope: ${describeIssues(header.error)}`);
  if (!(KNOWN_VERSIONS as readonly number[]).includes(header.data.version)) {
    return refuse(`unknown version ${header.data.version} of ${header.data.type}`);
  }
  // An own property only: `in` would also find "constructor" or "__proto__" on the prototype.
  if (!Object.hasOwn(known, header.data.type)) return refuse(`unknown type ${header.data.type}`);
  return refuse(`invalid ${header.data.type}: ${describeIssues(parsed.error)}`);
}

function parseEnvelope<T>(content: Buffer, known: Record<string, unknown>, schema: Schema<T>): Parsed<T> {
  const json = parseJson(content);
  if (!json.ok) return json;
  return parseEnvelopeValue(json.value, known, schema);
}

export function parseEvent(content: Buffer): Parsed<ConveyorEvent> {
  return parseEnvelope(content, eventDataSchemas, ConveyorEvent);
}

/** One entry of an event delivery: an event, or a refusal with the entry's own JSON (for its dead letter). */
export type DeliveredEvent =
  { ok: true; value: ConveyorEvent } | { ok: false; reason: string; content: Buffer };

const isBatchFrame = (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === BATCH_TYPE;

/**
 * The events of one delivery from the events exchange: a single envelope, or a batch message
 * (DESIGN §2.4) whose entries are validated one by one, each once. A refusal of the whole message
 * (not JSON, oversized, a malformed batch frame) is `ok: false`; a malformed entry is refused alone,
 * so that one bad envelope costs none of the others.
 */
export function parseEventDelivery(
  content: Buffer,
  /**
   * Only the events of the runs this says yes to are validated and returned (a live feed: the others
   * would reach no subscriber, and validation is the costly part); an entry without a run id is dropped.
   */
  follows?: (runId: string) => boolean,
): Parsed<{ batch: boolean; entries: DeliveredEvent[] }> {
  const json = parseJson(content);
  if (!json.ok) return json;
  const followed = (value: unknown) => {
    if (!follows) return true; // (the poller: every event)
    const runId =
      typeof value === 'object' && value !== null ? (value as { runId?: unknown }).runId : undefined;
    return typeof runId === 'string' && follows(runId);
  };
  if (!isBatchFrame(json.value)) {
    if (!followed(json.value)) return { ok: true, value: { batch: false, entries: [] } };
    const single = parseEnvelopeValue(json.value, eventDataSchemas, ConveyorEvent);
    return single.ok ? { ok: true, value: { batch: false, entries: [single] } } : single;
  }
  const frame = EventBatch.safeParse(json.value);
  if (!frame.success) return refuse(`invalid ${BATCH_TYPE}: ${describeIssues(frame.error)}`);
  return {
    ok: true,
    value: {
      batch: true,
      entries: (follows ? frame.data.events.filter(followed) : frame.data.events).map(
        (entry): DeliveredEvent => {
          const parsed = parseEnvelopeValue(entry, eventDataSchemas, ConveyorEvent);
          if (parsed.ok && BATCHABLE_TYPES.has(parsed.value.type)) return parsed;
          const reason = parsed.ok
            ? `${parsed.value.type} does not travel in a batch (only task events do)`
            : parsed.reason;
          return { ok: false, reason, content: Buffer.from(JSON.stringify(entry)) };
        },
      ),
    },
  };
}

export function parseNotification(content: Buffer): Parsed<ConveyorNotification> {
  return parseEnvelope(content, notificationDataSchemas, ConveyorNotification);
}

export function parseTask(content: Buffer): Parsed<TaskMessage> {
  const json = parseJson(content);
  if (!json.ok) return json;
  const parsed = TaskMessage.safeParse(json.value);
  if (!parsed.success) return refuse(`invalid task: ${describeIssues(parsed.error)}`);
  return { ok: true, value: parsed.data };
}

/**
 * A message of the task queue: a bundle when it has a `tasks` field (DESIGN §2.2), else a single task.
 * Either is checked whole: one malformed task refuses its bundle.
 */
export function parseTaskPayload(content: Buffer): Parsed<TaskPayload> {
  const json = parseJson(content);
  if (!json.ok) return json;
  const isBundle =
    typeof json.value === 'object' && json.value !== null && Object.hasOwn(json.value, 'tasks');
  const parsed = (isBundle ? TaskBundle : TaskMessage).safeParse(json.value);
  if (!parsed.success)
    return refuse(`invalid task${isBundle ? ' bundle' : ''}: ${describeIssues(parsed.error)}`);
  return { ok: true, value: parsed.data };
}
