import { EnvelopeHeader, KNOWN_VERSIONS } from './envelope.js';
import { ConveyorEvent, eventDataSchemas } from './events.js';
import { ConveyorNotification, notificationDataSchemas } from './notifications.js';
import { TaskMessage } from './task.js';

/** Larger messages are refused: no legitimate message comes near it (a tasks.queued batch is ~150 kB). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseJson(content: Buffer): Parsed<unknown> {
  if (content.length > MAX_MESSAGE_BYTES)
    return { ok: false, reason: `oversized: ${content.length} bytes > ${MAX_MESSAGE_BYTES}` };
  try {
    return { ok: true, value: JSON.parse(content.toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
}

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function parseEnvelope<T>(
  content: Buffer,
  known: Record<string, unknown>,
  schema: {
    safeParse: (
      v: unknown,
    ) =>
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
): Parsed<T> {
  const json = parseJson(content);
  if (!json.ok) return json;
  const header = EnvelopeHeader.safeParse(json.value);
  if (!header.success) return { ok: false, reason: `not an envelope: ${describeIssues(header.error)}` };
  if (!(KNOWN_VERSIONS as readonly number[]).includes(header.data.version)) {
    return { ok: false, reason: `unknown version ${header.data.version} of ${header.data.type}` };
  }
  if (!(header.data.type in known)) return { ok: false, reason: `unknown type ${header.data.type}` };
  const parsed = schema.safeParse(json.value);
  if (!parsed.success)
    return { ok: false, reason: `invalid ${header.data.type}: ${describeIssues(parsed.error)}` };
  return { ok: true, value: parsed.data };
}

export function parseEvent(content: Buffer): Parsed<ConveyorEvent> {
  return parseEnvelope(content, eventDataSchemas, ConveyorEvent);
}

export function parseNotification(content: Buffer): Parsed<ConveyorNotification> {
  return parseEnvelope(content, notificationDataSchemas, ConveyorNotification);
}

export function parseTask(content: Buffer): Parsed<TaskMessage> {
  const json = parseJson(content);
  if (!json.ok) return json;
  const parsed = TaskMessage.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: `invalid task: ${describeIssues(parsed.error)}` };
  return { ok: true, value: parsed.data };
}
