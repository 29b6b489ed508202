import type { Pool as CorePool, PoolConnection } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import type { Database } from '../database.js';
import type { ResultRow } from './result-row.js';

const QUERY = `
  SELECT selection, start_date AS startDate, end_date AS endDate, cable_id AS cableId,
    capacity_kw AS capacityKw, peak_kw AS peakKw, peak_at AS peakAt, utilization,
    overloaded_intervals AS overloadedIntervals, energy_kwh AS energyKwh
  FROM task_results WHERE run_id = ?
  ORDER BY selection, start_date, cable_id`;

/**
 * A run's results in the CSV's order — selection, start date, cable id, each in plain byte order
 * (binary collation) — streamed from the database without holding them all in memory. Read over
 * the binary protocol (a prepared statement): MariaDB's text protocol rounds the last digit of some
 * doubles, the binary one is exact, so the export equals the monolith's CSV byte for byte.
 */
export async function* streamTaskResults(source: Database | Pool, runId: string): AsyncGenerator<ResultRow> {
  const pool: CorePool = '$client' in source ? source.$client.pool : source.pool;
  const connection = await new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((error, conn) => (error ? reject(error) : resolve(conn))),
  );
  const stream = connection.execute({ sql: QUERY, values: [runId] }).stream({ highWaterMark: 500 });
  try {
    for await (const row of stream as AsyncIterable<ResultRow>) yield row;
  } finally {
    stream.destroy();
    connection.release();
  }
}
