// The shared vitest setup really fails a test that leaks: a nested vitest runs a fixture file whose
// second test leaves a tracked resource open.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkForLeaks, leakMark, trackResource } from '../src/testing/leaks.js';

const runtimeDir = fileURLToPath(new URL('..', import.meta.url));

function nestedVitest(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'pnpm',
      [
        '--silent',
        'exec',
        'vitest',
        'run',
        '--config',
        'test/fixtures/leaky.vitest.config.ts',
        '--reporter',
        'verbose',
      ],
      { cwd: runtimeDir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the leak guard', () => {
  it('fails the test that leaves a resource open, names it, closes it, and passes the others', async () => {
    const { code, output } = await nestedVitest();
    expect(code).toBe(1);
    expect(output).toContain(
      'the test left 1 resource(s) open: database pool leaky-pool (the guard closed them)',
    );
    expect(output).toMatch(/✓ .*closes what it opens/);
    expect(output).toMatch(/× .*leaks a pool/);
    expect(output).toMatch(/✓ .*runs after the leak, with the leak closed/);
    expect(output).toMatch(/Tests +1 failed \| 2 passed/);
  });

  it('checks directly: names what was opened after the mark and is still open', () => {
    const before = trackResource('child process', 'older (pid 1)', () => undefined);
    const mark = leakMark();
    const untrack = trackResource('broker subscription', 'ns tasks', () => undefined);
    expect(() => checkForLeaks(mark, 'this check')).toThrow(
      'this check left 1 resource(s) open: broker subscription ns tasks',
    );
    untrack();
    expect(() => checkForLeaks(mark, 'this check')).not.toThrow();
    before();
  });
});
