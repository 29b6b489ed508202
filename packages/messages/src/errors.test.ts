import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentError, TransientError, classifyError, errorMessage } from './errors.js';

describe('classifyError', () => {
  it('treats permanent and validation errors as permanent, everything else as transient', () => {
    const zodError = z.object({ a: z.string() }).safeParse({}).error;
    expect(classifyError(new PermanentError('bad input'))).toBe('permanent');
    expect(classifyError(zodError)).toBe('permanent');
    expect(classifyError(new TransientError('down', { cause: new Error('ECONNREFUSED') }))).toBe('transient');
    expect(classifyError(new Error('who knows'))).toBe('transient');
    expect(classifyError('a string')).toBe('transient');
  });
});

describe('errorMessage', () => {
  it("gives the innermost cause's message, stopping at our own errors, shortened", () => {
    const driver = new Error('Connection lost: The server closed the connection.');
    expect(errorMessage(new Error('Failed query: insert … params: …', { cause: driver }))).toBe(
      driver.message,
    );
    expect(errorMessage(new TransientError('database unavailable', { cause: driver }))).toBe(
      'database unavailable',
    );
    expect(errorMessage('x'.repeat(600))).toMatch(/^x{478}… \(122 characters cut\)$/);
  });
});
