import mysql from 'mysql2/promise';
import { encodeTaskResult, partitionOfRows, type ResultRow, type TaskSummary } from '@conveyor/grid';
import { resolveTestServices, trackResource } from '@conveyor/runtime/testing';
import { createDatabase } from './database.js';
import { migrate } from './migrate.js';
import type { TaskPartition } from './queries/write-task-results.js';

/**
 * A fresh, migrated database for one test file, on the server of `resolveTestServices()`.
 * `close` drops it and closes the pool; until then the leak guard counts the pool as open.
 */
export async function createTestDatabase() {
  const { databaseUrl } = await resolveTestServices();
  const name = `conveyor_test_${Math.random().toString(36).slice(2, 10)}`;
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const database = createDatabase(url.toString());
  const close = async () => {
    untrack();
    await database.close();
    const server = new URL(url);
    server.pathname = '/';
    const connection = await mysql.createConnection({ uri: server.toString() });
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.end();
  };
  const untrack = trackResource('database pool', name, close);
  return { url: url.toString(), name, db: database.db, pool: database.pool, close };
}

/**
 * Result rows of one task (one selection and window) as the partition a worker writes, for tests that
 * seed results. `task` names the selection and window when there are no rows to take them from;
 * `summary` is the task's (default: `summaryOfPartition`).
 */
export function taskPartitionOf(
  ids: { runId: string; taskId: string },
  rows: readonly ResultRow[],
  options: { task?: { selection: string; startDate: string; endDate: string }; summary?: TaskSummary } = {},
): TaskPartition {
  const first = options.task ?? rows[0];
  if (!first) throw new Error('taskPartitionOf: no rows and no task to name the partition');
  const { selection, startDate, endDate } = first;
  const encoded = encodeTaskResult(partitionOfRows({ selection, startDate, endDate }, rows), options.summary);
  return { ...ids, selection, startDate, endDate, ...encoded };
}
