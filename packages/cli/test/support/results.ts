import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { streamTaskResults, type Database } from '@conveyor/db';
import { RESULT_CSV_HEADER, formatPartitionCsv } from '@conveyor/grid';
import { expect } from 'vitest';

const cliMain = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Runs `conveyor` as a child process, as a user would. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--conditions=@conveyor/source', cliMain, ...args],
    {
      env,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

/**
 * `conveyor run start <args> --json`, then `conveyor run follow` until the run ends; expects it to end
 * SUCCEEDED and returns its id.
 */
export async function startRunAndFollow(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const runId = await startRun(env, args);
  await followRun(env, runId);
  return runId;
}

/** `conveyor run start <args> --json`: the id of the run it started. */
export async function startRun(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const started = await runCli(['run', 'start', ...args, '--json'], env);
  return (JSON.parse(started.stdout) as { runId: string }).runId;
}

/**
 * `conveyor run follow <runId>` until the run ends; expects it to end in `status` (`run follow` exits 1
 * for any other than SUCCEEDED, which is expected then too).
 */
export async function followRun(
  env: NodeJS.ProcessEnv,
  runId: string,
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' = 'SUCCEEDED',
): Promise<void> {
  const followed = await runCli(['run', 'follow', runId], env).then(
    (done) => ({ ...done, code: 0 }),
    (error: { stderr: string; code: number }) => error,
  );
  expect(followed.stderr).toContain(`run ${runId}: ${status}`);
  expect(followed.code).toBe(status === 'SUCCEEDED' ? 0 : 1);
}

export type ListedWorker = {
  id: string;
  alive: boolean;
  calculations: { name: string; version: string }[];
};

/**
 * `conveyor workers --json` (with `--all`: the dead too) until `accept` holds: the gateway knows
 * workers from their heartbeats, so a test of a plug-in calculation waits for them before it starts a run.
 */
export async function workersUntil(
  env: NodeJS.ProcessEnv,
  accept: (workers: ListedWorker[]) => boolean,
  all = false,
): Promise<ListedWorker[]> {
  for (;;) {
    const { stdout } = await runCli(['workers', '--json', ...(all ? ['--all'] : [])], env);
    const workers = JSON.parse(stdout) as ListedWorker[];
    if (accept(workers)) return workers;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The monolith's CSV for the same arguments: the oracle of a distributed run. */
export async function monolithCsv(args: { topology: string; from: string; to: string; chunk: string }) {
  const out = join(await mkdtemp(join(tmpdir(), 'conveyor-monolith-')), 'results.csv');
  await runCli([
    'monolith',
    '--topology',
    args.topology,
    '--from',
    args.from,
    '--to',
    args.to,
    '--chunk',
    args.chunk,
    '--out',
    out,
  ]);
  return readFile(out, 'utf8');
}

/** The CSV of a distributed run, written from `task_results`. */
export async function exportedCsv(db: Database, runId: string) {
  let csv = `${RESULT_CSV_HEADER}\n`;
  for await (const partition of streamTaskResults(db, runId)) csv += formatPartitionCsv(partition);
  return csv;
}
