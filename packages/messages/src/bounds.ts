import { PermanentError } from './errors.js';
import { MAX_REASON_CHARS } from './truncate.js';

/**
 * The bounds of an envelope (DESIGN §2.1). Each string's bound is the column that stores it, so that
 * a message the schema accepts is one the event store can hold.
 */
export const BOUNDS = {
  /** Ids: selections, worker ids (characters; varchar(128) columns). */
  id: 128,
  /** Short names: `type`, `producer`, `calculation`, `topologyId`, `contentHash` (varchar(64) columns). */
  name: 64,
  /** `requestedBy` (varchar(128)). */
  requestedBy: 128,
  /** `topologySource` (varchar(1024)). */
  source: 1024,
  /** Reasons and error messages (characters): a text column holds 64 KiB, 8 Ki characters of utf8mb4 fit. */
  reason: MAX_REASON_CHARS,
  /** A task's attempts: far above any retry policy (TASK_MAX_ATTEMPTS is capped at it), far inside an INT. */
  attempt: 1000,
  /** A run's generations (one per retry): far above any real history, far inside an INT. */
  generation: 10_000,
} as const;

/** Larger messages are refused: no legitimate message comes near it (a tasks.queued batch is ~150 kB). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Size in bytes of a message's JSON, as it goes on the wire. */
export function messageBytes(message: unknown): number {
  return Buffer.byteLength(JSON.stringify(message));
}

/** The message would be refused by every consumer: fail before publishing (or acking) anything. */
export function assertMessageSize(message: unknown, what: string): void {
  assertByteSize(messageBytes(message), what);
}

/** As assertMessageSize, for a message already serialized to `bytes` bytes. */
export function assertByteSize(bytes: number, what: string): void {
  if (bytes > MAX_MESSAGE_BYTES)
    throw new PermanentError(`${what} is ${bytes} bytes, over the 1 MiB limit (${MAX_MESSAGE_BYTES} bytes)`);
}
