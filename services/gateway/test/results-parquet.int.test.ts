import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { recordEvents, writeTaskResults } from '@conveyor/db';
import { createTestDatabase, taskPartitionOf } from '@conveyor/db/testing';
import { formatResultRow, formatTaskDate, RESULT_CSV_HEADER, type ResultRow } from '@conveyor/grid';
import { createEvent } from '@conveyor/messages';
import { createTestGateway, TOKEN, type TestDatabase } from './support/gateway.js';

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'gateway-parquet-'));
});
afterAll(async () => {
  await database?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A run whose tasks hold awkward numbers: 6 tasks × 2,100 rows, more than one Parquet row group. */
async function seedRun(): Promise<string> {
  const runId = uuidv4();
  await recordEvents(database.db, [
    createEvent('run.requested', {
      runId,
      producer: 'test',
      data: {
        window: { start: '2023-02-01 00:00', end: '2023-03-31 23:59' },
        chunk: 'month',
        selections: null,
        topologySource: 'synthetic:substations=3&nodes=10&seed=1',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
  ]);
  const values = [0.1 + 0.2, -0, 1e21, Number.MIN_VALUE, Math.PI, 123456.789];
  for (const selection of ['10', '2', 'B']) {
    for (const [startDate, endDate] of [
      ['2023-03-01 00:00', '2023-03-31 23:59'],
      ['2023-02-01 00:00', '2023-02-28 23:59'],
    ] as const) {
      const rows: ResultRow[] = Array.from({ length: 2100 }, (_, cable) => ({
        selection,
        startDate,
        endDate,
        cableId: `${selection}-cable-${cable}`,
        capacityKw: 100 + cable,
        peakKw: values[cable % values.length]! * cable,
        peakAt: formatTaskDate(Date.UTC(2023, startDate.startsWith('2023-02') ? 1 : 2, 3, cable % 24, 15)),
        utilization: (values[cable % values.length]! * cable) / (100 + cable),
        overloadedIntervals: cable % 7,
        energyKwh: cable / 3,
      }));
      await writeTaskResults(database.db, taskPartitionOf({ runId, taskId: uuidv4() }, rows));
    }
  }
  return runId;
}

/** The rows of a Parquet file as DuckDB reads them, written as lines of the results CSV. */
async function csvByDuckDb(file: string) {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const types = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const read = await connection.runAndReadAll(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`,
    );
    const date = (value: unknown) => {
      if (!(value instanceof DuckDBTimestampTZValue)) throw new Error(`not a timestamp: ${String(value)}`);
      return formatTaskDate(Number(value.micros / 1000n));
    };
    const lines = read.getRows().map((row) => {
      const [selection, startDate, endDate, cableId, capacityKw, peakKw, peakAt, utilization, overloaded] =
        row;
      return `${formatResultRow({
        selection: selection as string,
        startDate: date(startDate),
        endDate: date(endDate),
        cableId: cableId as string,
        capacityKw: capacityKw as number,
        peakKw: peakKw as number,
        peakAt: date(peakAt),
        utilization: utilization as number,
        overloadedIntervals: overloaded as number,
        energyKwh: row[9] as number,
      })}\n`;
    });
    return { types: types.getRows().map((row) => `${String(row[0])} ${String(row[1])}`), lines };
  } finally {
    connection.closeSync();
  }
}

describe('GET /runs/:id/results.parquet', () => {
  it('is the CSV export as a typed Parquet file: DuckDB reads back every value', async () => {
    const runId = await seedRun();
    const { yoga } = createTestGateway(database);
    const csv = await (await yoga.fetch(`http://gateway/runs/${runId}/results.csv`)).text();
    const response = await yoga.fetch(`http://gateway/runs/${runId}/results.parquet`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="conveyor-${runId}.parquet"`,
    );
    const file = join(dir, `${runId}.parquet`);
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const read = await csvByDuckDb(file);
    expect(read.types).toEqual([
      'selection VARCHAR',
      'start_date TIMESTAMP WITH TIME ZONE',
      'end_date TIMESTAMP WITH TIME ZONE',
      'cable_id VARCHAR',
      'capacity_kw DOUBLE',
      'peak_kw DOUBLE',
      'peak_at TIMESTAMP WITH TIME ZONE',
      'utilization DOUBLE',
      'overloaded_intervals UINTEGER',
      'energy_kwh DOUBLE',
    ]);
    expect(read.lines).toHaveLength(6 * 2100);
    expect(`${RESULT_CSV_HEADER}\n${read.lines.join('')}`).toBe(csv);
  });

  it('is an empty file for a run without results, and 404 for an unknown run', async () => {
    const runId = uuidv4();
    await recordEvents(database.db, [
      createEvent('run.requested', {
        runId,
        producer: 'test',
        data: {
          window: { start: '2023-02-01 00:00', end: '2023-02-28 23:59' },
          chunk: 'month',
          selections: null,
          topologySource: 'synthetic:substations=3&nodes=10&seed=1',
          calculation: 'grid-load',
          requestedBy: 'test',
        },
      }),
    ]);
    const { yoga } = createTestGateway(database);
    const response = await yoga.fetch(`http://gateway/runs/${runId}/results.parquet`);
    expect(response.status).toBe(200);
    const file = join(dir, 'empty.parquet');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    expect((await csvByDuckDb(file)).lines).toEqual([]);
    const unknown = await yoga.fetch(
      'http://gateway/runs/00000000-0000-4000-8000-000000000000/results.parquet',
    );
    expect(unknown.status).toBe(404);
  });

  it('needs the token like every export', async () => {
    const runId = await seedRun();
    const { yoga } = createTestGateway(database, { token: TOKEN });
    const refused = await yoga.fetch(`http://gateway/runs/${runId}/results.parquet`);
    expect(refused.status).toBe(401);
    await refused.text();
    const allowed = await yoga.fetch(`http://gateway/runs/${runId}/results.parquet`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(allowed.status).toBe(200);
    expect(
      Buffer.from(await allowed.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('PAR1');
  });
});
