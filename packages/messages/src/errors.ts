import { ZodError } from 'zod';
import { truncateText } from './truncate.js';

/** The message or task can never succeed: dead-letter it, do not retry. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** A passing failure (a dependency is down, a record is not there yet): retry with backoff. */
export class TransientError extends Error {
  override name = 'TransientError';
}

export type ErrorKindName = 'transient' | 'permanent';

/** Unknown errors are transient: retrying a few times is cheaper than losing work. */
export function classifyError(error: unknown): ErrorKindName {
  if (error instanceof PermanentError || error instanceof ZodError) return 'permanent';
  return 'transient';
}

/**
 * A short message for events and dead-letter headers: the innermost cause's message (a database
 * driver's, not the wrapping query text with its parameters), at most 500 characters.
 */
export function errorMessage(error: unknown): string {
  let inner = error;
  while (
    inner instanceof Error &&
    inner.cause instanceof Error &&
    !(inner instanceof PermanentError || inner instanceof TransientError)
  ) {
    inner = inner.cause;
  }
  const message = inner instanceof Error ? inner.message : String(inner);
  return truncateText(message, 500);
}
