import { describe, expect, it } from 'vitest';
import { checkForLeaks, leakMark } from '@conveyor/runtime/testing';
import { freePort, spawnService } from '../src/stack/processes.js';

describe('spawnService and the leak guard', () => {
  it('counts a service process as open until it exits', async () => {
    const mark = leakMark();
    const proc = spawnService({
      service: 'topology',
      name: 'topology-leak-check',
      // A bad configuration: the service exits at once, by itself.
      env: { ...process.env, DATABASE_URL: 'not a url', LOG_LEVEL: 'silent' },
      healthPort: await freePort(),
      onLine: () => undefined,
    });
    expect(() => checkForLeaks(mark, 'the test')).toThrow(
      `the test left 1 resource(s) open: child process topology-leak-check (pid ${proc.child.pid})`,
    );
    expect((await proc.exited).code).not.toBe(0);
    expect(() => checkForLeaks(mark, 'the test')).not.toThrow();
  });
});
