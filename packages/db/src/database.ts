import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import * as schema from './schema.js';

export type Database = MySql2Database<typeof schema> & { $client: mysql.Pool };

/** How long connecting and querying may take (ms), and when TCP keepalive starts probing. */
export type DatabaseTimeouts = {
  connectMs: number;
  /** 0: no limit (a streaming export lasts as long as its download). */
  queryMs: number;
  keepAliveMs: number;
};

/** The defaults of DATABASE_CONNECT_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS and DATABASE_KEEPALIVE_MS. */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 10_000,
  queryMs: 60_000,
  keepAliveMs: 10_000,
};

/** The part of mysql2's core connection that query timeouts need. */
type CoreConnection = {
  query: (sql: unknown, values?: unknown, cb?: unknown) => unknown;
  destroy: () => void;
};
type QueryCommand = { timeout?: number; onResult?: (error: unknown, ...rest: unknown[]) => void };

/**
 * Gives every query of `connection` a client-side timeout unless it names its own. mysql2 has no
 * pool-wide setting: its `timeout` is per query. A query that times out fails with
 * PROTOCOL_SEQUENCE_TIMEOUT (a transient error: callers retry) and its connection is destroyed, as
 * the server may still answer on it later; the pool opens a fresh one.
 */
function applyQueryTimeout(connection: CoreConnection, timeoutMs: number): void {
  const query = connection.query.bind(connection);
  connection.query = (sql, values, cb) => {
    const withTimeout =
      typeof sql === 'string'
        ? { sql, timeout: timeoutMs }
        : ((sql as QueryCommand).timeout === undefined && ((sql as QueryCommand).timeout = timeoutMs), sql);
    const command = query(withTimeout, values, cb) as QueryCommand;
    const onResult = command.onResult;
    if (onResult) {
      command.onResult = (error, ...rest) => {
        if ((error as { code?: string } | null)?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
        onResult.call(command, error, ...rest);
      };
    }
    return command;
  };
}

/**
 * A connection pool and its drizzle handle. Sessions run in UTC; `-FOUND_ROWS` makes an upsert that
 * changes nothing report 0 affected rows (idempotency checks rely on it). Connections time out when
 * connecting and querying, and TCP keepalive notices a peer that vanished (DESIGN §4: a connection
 * that dies silently must not hang a service).
 */
export function createDatabase(
  databaseUrl: string,
  options: { poolSize?: number; timeouts?: DatabaseTimeouts } = {},
) {
  const timeouts = options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const pool = mysql.createPool({
    uri: databaseUrl,
    connectionLimit: options.poolSize ?? 10,
    flags: ['-FOUND_ROWS'],
    // No call-site stack captured for every query (mysql2's `trace`): a tenth of the poller's CPU per
    // event batch, measured; drizzle's error names the failed query, and its cause the driver's error.
    trace: false,
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    connectTimeout: timeouts.connectMs,
    enableKeepAlive: true,
    keepAliveInitialDelay: timeouts.keepAliveMs,
  });
  pool.on('connection', (connection) => {
    if (timeouts.queryMs > 0) applyQueryTimeout(connection as unknown as CoreConnection, timeouts.queryMs);
    // CURRENT_TIMESTAMP defaults (recorded_at, created_at) in UTC, whatever the server's zone.
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
