// The monolith baselines: the seed's for-loop, in one process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { loadTopologySource, runMonolith, writeResultsCsv } from '@conveyor/grid';

/** N no-op tasks in a for-loop, recording one status row per task in MySQL, 1,000 rows per insert. */
export async function monolithNoop(databaseUrl: string, tasks: number): Promise<{ ms: number }> {
  const url = new URL(databaseUrl);
  url.pathname = '/conveyor_bench_monolith';
  const server = new URL(url);
  server.pathname = '/';
  const admin = await mysql.createConnection({ uri: server.toString() });
  await admin.query('CREATE DATABASE IF NOT EXISTS conveyor_bench_monolith');
  await admin.end();
  const connection = await mysql.createConnection({ uri: url.toString() });
  await connection.query('DROP TABLE IF EXISTS run_process');
  await connection.query(
    'CREATE TABLE run_process (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, task_id INT NOT NULL, task_status VARCHAR(16) NOT NULL)',
  );
  const started = performance.now();
  let pending: [number, string][] = [];
  for (let task = 0; task < tasks; task++) {
    pending.push([task, 'FINISHED']); // the calculation itself does nothing
    if (pending.length === 1000 || task === tasks - 1) {
      await connection.query('INSERT INTO run_process (task_id, task_status) VALUES ?', [pending]);
      pending = [];
    }
  }
  const ms = performance.now() - started;
  await connection.query('DROP DATABASE conveyor_bench_monolith');
  await connection.end();
  return { ms };
}

/**
 * The reference calculation for a window, as `conveyor monolith` runs it (build → plan → loop →
 * write the results CSV to a file): the fair baseline of DESIGN §9 includes the export.
 */
export async function monolithGrid(request: {
  topologySource: string;
  from: string;
  to: string;
  chunk: 'month';
}) {
  const started = performance.now();
  const json = await loadTopologySource(request.topologySource);
  const result = runMonolith(json, {
    from: request.from,
    to: request.to,
    chunk: request.chunk,
    selections: null,
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-monolith-'));
  try {
    await writeFile(join(dir, 'results.csv'), writeResultsCsv(result.rows));
    return { ms: performance.now() - started, tasks: result.summary.tasks, rows: result.rows.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
