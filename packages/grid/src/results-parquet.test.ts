import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { formatTaskDate } from './dates.js';
import { calculateTaskPartition, compileSelection } from './kernel.js';
import { decodePartition, encodePartition, partitionOfRows, type Partition } from './partition.js';
import { planTasks } from './plan.js';
import { formatPartitionCsv, formatResultRow } from './results-csv.js';
import { writeResultsParquet } from './results-parquet.js';
import { generateSynthetic } from './synthetic.js';

const dir = await mkdtemp(join(tmpdir(), 'results-parquet-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function writeFileOf(name: string, partitions: Partition[], rowGroupRows?: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeResultsParquet(partitions, { rowGroupRows })) chunks.push(chunk);
  const file = join(dir, name);
  await writeFile(file, Buffer.concat(chunks));
  return file;
}

/** The file read back by DuckDB, every row written as a CSV line (numbers as String(x), dates as text). */
async function csvByDuckDb(file: string) {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const types = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    const read = await connection.runAndReadAll(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`,
    );
    const date = (value: unknown) => {
      if (!(value instanceof DuckDBTimestampTZValue))
        throw new Error(`not a timestamp with time zone: ${String(value)}`);
      return formatTaskDate(Number(value.micros / 1000n));
    };
    const lines = read.getRows().map((row) => {
      const [
        selection,
        startDate,
        endDate,
        cableId,
        capacityKw,
        peakKw,
        peakAt,
        utilization,
        overloaded,
        energyKwh,
      ] = row;
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
        energyKwh: energyKwh as number,
      })}\n`;
    });
    return {
      types: types.getRows().map((row) => `${String(row[0])} ${String(row[1])}`),
      csv: lines.join(''),
    };
  } finally {
    connection.closeSync();
  }
}

describe('results Parquet file', () => {
  it('DuckDB reads back every value of every row, typed, in several row groups', async () => {
    const built = buildTopology(generateSynthetic({ substations: 8, nodes: 50, seed: 7 }));
    if (!built.ok) throw new Error('invalid synthetic topology');
    const topology = built.topology;
    const tasks = planTasks({
      selections: topology.substations.map((s) => s.id).sort(),
      start: '2023-01-01 00:00',
      end: '2023-02-28 23:59',
      chunk: 'month',
    });
    // Through the stored form, as an export reads them.
    const partitions = tasks.map((task) =>
      decodePartition(
        encodePartition(
          calculateTaskPartition(compileSelection(topology, task.selection), task.startDate, task.endDate)
            .partition,
        ),
      ),
    );
    const file = await writeFileOf('grid.parquet', partitions, 120);
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
    expect(read.csv).toBe(partitions.map(formatPartitionCsv).join(''));
  });

  it('keeps awkward texts, -0, subnormals, extremes and the largest count', async () => {
    const values = [-0, Number.MIN_VALUE, 1e-310, Number.MAX_VALUE, -1.5, 0.1 + 0.2];
    const rows = values.map((value, i) => ({
      cableId: ['a,b', 'q"uote', 'line\nbreak', 'ünï €', '😀', ''][i]!,
      capacityKw: value,
      peakKw: -value,
      peakAt: [
        '1970-01-01 00:00',
        '1969-12-31 23:59',
        '2023-06-01 12:15',
        '2100-02-28 00:00',
        '1000-01-01 00:00',
        '6053-01-23 02:07',
      ][i]!,
      utilization: value * 2,
      overloadedIntervals: [0, 1, 2 ** 31, 0xffffffff, 7, 96][i]!,
      energyKwh: value / 3,
    }));
    const partition = partitionOfRows(
      { selection: 'sub, "7"', startDate: '2023-01-01 00:00', endDate: '2023-01-31 23:59' },
      rows,
    );
    const read = await csvByDuckDb(await writeFileOf('awkward.parquet', [partition]));
    expect(read.csv).toBe(formatPartitionCsv(partition));
  });

  it('is a valid empty file for a run without results', async () => {
    const read = await csvByDuckDb(await writeFileOf('empty.parquet', []));
    expect(read.types).toHaveLength(10);
    expect(read.csv).toBe('');
  });
});
