import { fileURLToPath } from 'node:url';
import { migrate as applyMigrations } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import { createDatabase } from './database.js';

/** The committed migrations, beside `src/` and `dist/` alike. */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Creates the database named in the URL if it is missing, then applies the committed migrations
 * that are not applied yet. Running it again changes nothing.
 */
export async function migrate(databaseUrl: string): Promise<{ database: string }> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database)
    throw new Error('DATABASE_URL names no database (expected mysql://user:pass@host:port/database)');
  const server = new URL(databaseUrl);
  server.pathname = '/';
  const connection = await mysql.createConnection({ uri: server.toString() });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.replaceAll('`', '``')}\` CHARACTER SET utf8mb4`,
    );
  } finally {
    await connection.end();
  }
  const { db, close } = createDatabase(databaseUrl, { poolSize: 1 });
  try {
    await applyMigrations(db, { migrationsFolder });
  } finally {
    await close();
  }
  return { database };
}
