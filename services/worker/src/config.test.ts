import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('TASK_MAX_ATTEMPTS', () => {
  it('is at most 1,000, the bound of an event attempt, naming the variable', () => {
    expect(loadConfig({ TASK_MAX_ATTEMPTS: '1000' }).TASK_MAX_ATTEMPTS).toBe(1000);
    expect(() => loadConfig({ TASK_MAX_ATTEMPTS: '1001' })).toThrow(/TASK_MAX_ATTEMPTS: .*1000/);
  });
});
