import { ZodError } from 'zod';

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

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
