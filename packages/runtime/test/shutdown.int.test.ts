import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/drain.ts', import.meta.url));

function startFixture(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@conveyor/source', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', () => {
      if (output.includes('working')) resolve();
    });
  });
  return { child, started, output: () => output };
}

describe('graceful shutdown', () => {
  it('on SIGTERM stops intake, waits for in-flight work, closes, exits 0', async () => {
    const run = startFixture({ WORK_MS: '300', GRACE_MS: '5000' });
    await run.started;
    run.child.kill('SIGTERM');
    const [code] = (await once(run.child, 'exit')) as [number];
    expect(code).toBe(0);
    const lines = run.output();
    expect(lines.indexOf('intake stopped')).toBeLessThan(lines.indexOf('work done'));
    expect(lines.indexOf('work done')).toBeLessThan(lines.indexOf('closed'));
  });

  it('closes after the grace period when work does not finish', async () => {
    const run = startFixture({ WORK_MS: '60000', GRACE_MS: '200' });
    await run.started;
    run.child.kill('SIGINT');
    const [code] = (await once(run.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(run.output()).toContain('grace period over');
    expect(run.output()).not.toContain('work done');
    expect(run.output()).toContain('closed');
  });
});
