// `conveyor topology validate|generate` and `conveyor monolith`, run as child processes as a user would.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_CSV_HEADER } from '@conveyor/grid';

const cliMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs `conveyor …` and resolves with its exit code and output, whatever the code. */
function conveyor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@conveyor/source', cliMain, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'conveyor-grid-commands-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SYNTHETIC = 'synthetic:substations=3&nodes=25&seed=7';
// Each command is a fresh Node process that loads the whole CLI through tsx: seconds each on a busy machine.
const slow = { timeout: 120_000 };

describe('conveyor topology generate / validate', slow, () => {
  it('writes a synthetic topology that then validates, with its counts', async () => {
    const out = join(dir, 'generated.json');
    const generated = await conveyor(['topology', 'generate', SYNTHETIC, '--out', out]);
    expect(generated.code).toBe(0);
    const json = JSON.parse(await readFile(out, 'utf8')) as { nodes: unknown[]; cables: unknown[] };
    expect(json.nodes).toHaveLength(75);

    const validated = await conveyor(['topology', 'validate', `file:${out}`]);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('3 substations, 75 nodes, 75 cables');
  });

  it('exits 1 with every problem and its ids for an invalid topology', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        substations: [{ id: 'S' }],
        nodes: [
          { id: 'n1', annualKwh: 1000, profile: 'residential', pvKwp: 0 },
          { id: 'n2', annualKwh: 1000, profile: 'industrial', pvKwp: 0 },
          { id: 'lost', annualKwh: 1000, profile: 'residential', pvKwp: 0 },
        ],
        cables: [
          { id: 'c1', from: 'S', to: 'n1', capacityKw: 10 },
          { id: 'c2', from: 'n1', to: 'n2', capacityKw: 0 },
        ],
      }),
    );
    const { code, stderr } = await conveyor(['topology', 'validate', `file:${file}`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/\[known-profile\].*n2/);
    expect(stderr).toMatch(/\[positive-capacity\].*c2/);
    expect(stderr).toMatch(/\[reachable\].*lost/);
  });

  it('exits 1 naming the fields of a file that is not a topology', async () => {
    const file = join(dir, 'not-a-topology.json');
    await writeFile(file, JSON.stringify({ version: 1, substations: [], nodes: [{ id: 'n' }], cables: [] }));
    const { code, stderr } = await conveyor(['topology', 'validate', `file:${file}`]);
    expect(code).toBe(1);
    expect(stderr).toContain('nodes[0].annualKwh');
  });

  it('exits 2 for a source it does not understand, a missing file, or missing arguments', async () => {
    const [unknown, missingFile, noSource, noOut, unknownOption] = await Promise.all([
      conveyor(['topology', 'validate', 'http://example.com/grid.json']),
      conveyor(['topology', 'validate', `file:${join(dir, 'nowhere.json')}`]),
      conveyor(['topology', 'validate']),
      conveyor(['topology', 'generate', SYNTHETIC]),
      conveyor(['topology', 'generate', SYNTHETIC, '--out', join(dir, 'never.json'), '--size', '3']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('expected file:PATH or synthetic:');
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('nowhere.json');
    expect(noSource.code).toBe(2);
    expect(noOut.code).toBe(2);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain('--size');
  });
});

describe('conveyor monolith', slow, () => {
  it('writes the results CSV (one row per cable per task) and prints a summary', async () => {
    const out = join(dir, 'monolith.csv');
    const { code, stdout, stderr } = await conveyor([
      'monolith',
      '--topology',
      SYNTHETIC,
      '--from',
      '2023-01-30 00:00',
      '--to',
      '2023-02-01 11:59',
      '--chunk',
      'day',
      '--selections',
      '1,3',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe(RESULT_CSV_HEADER);
    // 2 selections × 3 days × 25 cables
    expect(lines).toHaveLength(1 + 2 * 3 * 25);
    expect(lines[1]).toMatch(/^1,2023-01-30 00:00,2023-01-30 23:59,s1-c1,/);
    expect(lines.at(-1)).toMatch(/^3,2023-02-01 00:00,2023-02-01 11:59,s3-c9,/);
    expect(stdout).toMatch(/tasks: +6/);
    expect(stdout).toMatch(/cables: +150/);
    expect(stdout).toMatch(/overloaded cables: +\d+/);
    expect(stdout).toMatch(/max utilization: +\d/);
    expect(stdout).toMatch(/elapsed: +[\d.]+ s/);
    // Not a terminal: plain progress lines on stderr.
    expect(stderr).toContain('monolith: 6/6');
  });

  it('exits 2 naming unknown selections', async () => {
    const { code, stderr } = await conveyor([
      'monolith',
      '--topology',
      SYNTHETIC,
      '--from',
      '2023-01-01 00:00',
      '--to',
      '2023-01-01 23:59',
      '--selections',
      '2,7,x',
      '--out',
      join(dir, 'never.csv'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown selections: 7, x');
  });

  it('exits 2 for bad arguments', async () => {
    const base = ['monolith', '--topology', SYNTHETIC, '--out', join(dir, 'never.csv')];
    const [reversed, badDate, badChunk, noTo, unknownOption] = await Promise.all([
      conveyor([...base, '--from', '2023-02-01 00:00', '--to', '2023-01-01 00:00']),
      conveyor([...base, '--from', '2023-02-30 00:00', '--to', '2023-03-01 00:00']),
      conveyor([...base, '--from', '2023-01-01 00:00', '--to', '2023-01-02 00:00', '--chunk', 'year']),
      conveyor([...base, '--from', '2023-01-01 00:00']),
      conveyor(['monolith', '--nonsense']),
    ]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('before it starts');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('not a real date');
    expect(badChunk.code).toBe(2);
    expect(badChunk.stderr).toContain('--chunk must be one of none, day, week, month');
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain('--from and --to are required');
    expect(unknownOption.code).toBe(2);
  });
});
