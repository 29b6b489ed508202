import mysql from 'mysql2/promise';
import { resolveTestServices, trackResource } from '@conveyor/runtime/testing';
import { createDatabase } from './database.js';
import { migrate } from './migrate.js';

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
