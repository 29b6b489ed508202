import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/stack/processes.js';

function startService(service: string, env: Record<string, string>) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@conveyor/source', `services/${service}/src/main.ts`],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      // A service exits at once on a bad variable; tsx's start alone takes tens of seconds under load.
      timeout: 120_000,
    },
  );
}

describe('a service with a bad environment', () => {
  it.each(['topology', 'leader', 'worker', 'poller'])('%s exits non-zero naming AMQP_URL', (service) => {
    const result = startService(service, { AMQP_URL: 'http://guest:secret@127.0.0.1:5672' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AMQP_URL: expected a URL starting with amqp:// or amqps://');
    // the value, with its password, is never echoed
    expect(result.stderr).not.toContain('secret');
  });

  it('refuses a worker niceness outside 0–19', () => {
    const result = startService('worker', { WORKER_NICE: '-5' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('WORKER_NICE');
  });

  it('refuses a worker prefetch below its concurrency', () => {
    const result = startService('worker', { WORKER_CONCURRENCY: '8', WORKER_PREFETCH: '4' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('WORKER_PREFETCH: must be at least WORKER_CONCURRENCY');
  });

  it('names every bad variable at once', () => {
    const result = startService('worker', { WORKER_CONCURRENCY: 'lots', DATABASE_URL: 'postgres://x' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('WORKER_CONCURRENCY');
    expect(result.stderr).toContain('DATABASE_URL');
  });
});
