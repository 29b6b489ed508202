import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { exportedCsv, monolithCsv } from './support/results.js';

const fixtures = fileURLToPath(new URL('./fixtures/calculations.ts', import.meta.url));
const topologySource = 'synthetic:substations=8&nodes=60&seed=3';

let pipeline: TestPipeline;
let topologyDir: string;

beforeAll(async () => {
  topologyDir = await mkdtemp(join(tmpdir(), 'conveyor-topologies-'));
  pipeline = await startTestPipeline({
    workers: 2,
    env: { TOPOLOGY_DIR: topologyDir, CALCULATION_MODULES: fixtures, TASK_RETRY_BASE_MS: '50' },
  });
}, 120_000);

afterAll(async () => {
  const codes = await pipeline.close();
  // every service stopped gracefully
  expect(Object.values(codes).every((code) => code === 0)).toBe(true);
}, 60_000);

async function taskRows(runId: string) {
  const [rows] = (await pipeline.database.db.execute(
    sql`SELECT selection, start_date AS startDate, task_status AS status, attempt, error FROM run_process WHERE run_id = ${runId} ORDER BY selection, start_date`,
  )) as unknown as [
    { selection: string; startDate: string; status: string; attempt: number; error: string | null }[],
  ];
  return rows;
}

async function eventCount(runId: string, type: string) {
  const [rows] = (await pipeline.database.db.execute(
    sql`SELECT COUNT(*) AS n FROM run_events WHERE run_id = ${runId} AND type = ${type}`,
  )) as unknown as [{ n: number | string }[]];
  return Number(rows[0]?.n);
}

describe('a distributed run', () => {
  it('reaches SUCCEEDED and exports exactly what the monolith computes', async () => {
    const args = {
      topology: topologySource,
      from: '2023-01-15 00:00',
      to: '2023-03-10 23:59',
      chunk: 'month',
    };
    const runId = await pipeline.requestRun({ topologySource, from: args.from, to: args.to, chunk: 'month' });
    const run = await pipeline.waitForRun(runId);

    expect(run.status).toBe('SUCCEEDED');
    const tasks = await taskRows(runId);
    expect(tasks).toHaveLength(8 * 3);
    expect(tasks.every((task) => task.status === 'FINISHED')).toBe(true);
    expect(await eventCount(runId, 'run.completed')).toBe(1);
    expect(await exportedCsv(pipeline.database.db, runId)).toBe(await monolithCsv(args));
  });

  it('fails the run with the offending ids when the topology is invalid', async () => {
    const broken = {
      version: 1,
      substations: [{ id: 'S1' }],
      nodes: [
        { id: 'n1', annualKwh: 1000, profile: 'residential', pvKwp: 0 },
        { id: 'n-orphan', annualKwh: 1000, profile: 'residential', pvKwp: 0 },
      ],
      cables: [{ id: 'c1', from: 'S1', to: 'n1', capacityKw: -5 }],
    };
    await writeFile(join(topologyDir, 'broken.json'), JSON.stringify(broken));
    const runId = await pipeline.requestRun({
      topologySource: 'file:broken.json',
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
    });
    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('FAILED');
    expect(run.reason).toContain('n-orphan');
    expect(run.reason).toContain('c1');
    expect(await eventCount(runId, 'run.completed')).toBe(1);
  });

  it('fails the run naming an unknown selection', async () => {
    const runId = await pipeline.requestRun({
      topologySource,
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
      selections: ['1', 'atlantis'],
    });
    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('FAILED');
    expect(run.reason).toContain('atlantis');
    expect(await taskRows(runId)).toHaveLength(0);
  });

  it('retries a transient error and finishes the task at attempt 3', async () => {
    const runId = await pipeline.requestRun({
      topologySource,
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
      selections: ['1'],
      calculation: 'flaky-twice',
    });
    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('SUCCEEDED');
    expect(await taskRows(runId)).toMatchObject([{ status: 'FINISHED', attempt: 3 }]);
    expect(await eventCount(runId, 'task.failed')).toBe(2);
  });

  it('fails only the task whose calculation throws a permanent error, and then the run', async () => {
    const runId = await pipeline.requestRun({
      topologySource,
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
      selections: ['1', '2', '3'],
      calculation: 'fails-on-2',
    });
    const run = await pipeline.waitForRun(runId);
    expect(run.status).toBe('FAILED');
    const tasks = await taskRows(runId);
    expect(tasks.map((task) => [task.selection, task.status, task.attempt])).toEqual([
      ['1', 'FINISHED', 1],
      ['2', 'FAILED', 1],
      ['3', 'FINISHED', 1],
    ]);
    expect(tasks[1]?.error).toContain('selection 2 has no data');
  });
});
