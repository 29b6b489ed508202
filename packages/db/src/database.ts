import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import * as schema from './schema.js';

export type Database = MySql2Database<typeof schema> & { $client: mysql.Pool };

/**
 * A connection pool and its drizzle handle. Sessions run in UTC; `-FOUND_ROWS` makes an upsert that
 * changes nothing report 0 affected rows (idempotency checks rely on it).
 */
export function createDatabase(databaseUrl: string, options: { poolSize?: number } = {}) {
  const pool = mysql.createPool({
    uri: databaseUrl,
    connectionLimit: options.poolSize ?? 10,
    flags: ['-FOUND_ROWS'],
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    enableKeepAlive: true,
  });
  // CURRENT_TIMESTAMP defaults (recorded_at, created_at) in UTC, whatever the server's zone.
  pool.on('connection', (connection) => {
    void connection.query("SET SESSION time_zone = '+00:00'");
  });
  const db: Database = drizzle({ client: pool, schema, mode: 'default' });
  return {
    db,
    pool,
    /** True when the database answers; for readiness probes. */
    ping: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}
