import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { migrate as applyMigrations } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import { createDatabase } from './database.js';

/** The committed migrations, beside `src/` and `dist/` alike. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

type Journal = { entries: { tag: string; when: number }[] };

/** `created_at` of the newest applied migration (drizzle's bookkeeping), or null on a new database. */
async function lastApplied(connection: mysql.Connection, database: string): Promise<number | null> {
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      `SELECT MAX(created_at) AS last FROM \`${database}\`.__drizzle_migrations`,
    );
    const last: unknown = rows[0]?.last;
    return last === null || last === undefined ? null : Number(last);
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_NO_SUCH_TABLE') return null;
    throw error;
  }
}

/**
 * Creates the database named in the URL if it is missing, then applies the committed migrations
 * that are not applied yet, and returns their tags. Running it again applies nothing. Concurrent
 * calls (several services starting at once) take turns on a named lock.
 */
export async function migrate(databaseUrl: string): Promise<{ database: string; applied: string[] }> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database)
    throw new Error('DATABASE_URL names no database (expected mysql://user:pass@host:port/database)');
  const quoted = database.replaceAll('`', '``');
  const server = new URL(databaseUrl);
  server.pathname = '/';
  const connection = await mysql.createConnection({ uri: server.toString() });
  const lock = `conveyor_migrate:${database}`.slice(0, 64);
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${quoted}\` CHARACTER SET utf8mb4`);
    await connection.query('SELECT GET_LOCK(?, 600)', [lock]); // waits up to 600 s for another migrate
    const journal = JSON.parse(await readFile(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as Journal;
    const last = await lastApplied(connection, quoted);
    const { db, close } = createDatabase(databaseUrl, { poolSize: 1 });
    try {
      await applyMigrations(db, { migrationsFolder });
    } finally {
      await close();
    }
    const applied = journal.entries.filter((e) => last === null || e.when > last).map((e) => e.tag);
    return { database, applied };
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    await connection.end();
  }
}
