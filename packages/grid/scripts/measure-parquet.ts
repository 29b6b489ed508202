// Which library writes the results Parquet file: the 400,000-row grid-large result (1,000 substations
// × 400 nodes, January 2023, monthly chunk) streamed from its 1,000 partitions into one file with
// typed columns, ~50,000 rows per row group. Each library runs in its own process (time, peak RSS,
// file size); DuckDB reads every file back and every value is compared with the CSV.
// Run: pnpm --filter @conveyor/grid measure:parquet   (one library: … measure:parquet hyparquet-writer)
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { DuckDBInstance, DuckDBTimestampTZValue, DuckDBTimestampValue } from '@duckdb/node-api';
import {
  RESULT_CSV_HEADER,
  buildTopology,
  calculateTaskPartition,
  compileSelection,
  decodePartition,
  encodePartition,
  formatPartitionCsv,
  formatResultRow,
  formatTaskDate,
  generateSynthetic,
  parseTaskDate,
  planTasks,
  PARQUET_ROW_GROUP_ROWS,
  writeResultsParquet,
  type Partition,
} from '../src/index.js';

// 'decode-only' reads and decodes the partitions and writes nothing: the baseline of time and memory.
const LIBRARIES = ['decode-only', 'hyparquet-writer', 'parquet-wasm', '@dsnp/parquetjs'] as const;
type Library = (typeof LIBRARIES)[number];
// Rows per row group, at least (whole partitions): PARQUET_ROW_GROUP_ROWS, or MEASURE_GROUP_ROWS to compare.
const GROUP_ROWS = Number(process.env.MEASURE_GROUP_ROWS ?? PARQUET_ROW_GROUP_ROWS);

/** The stored partitions, one after the other as (u32 length, data), read back one at a time. */
async function* readPartitions(file: string): AsyncGenerator<Partition> {
  const bytes = await readFile(file);
  for (let at = 0; at < bytes.length;) {
    const length = bytes.readUInt32LE(at);
    yield decodePartition(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

/** Partitions gathered into row groups of at least GROUP_ROWS rows, for the libraries that take tables. */
async function* groups(partitions: AsyncIterable<Partition>): AsyncGenerator<Partition[]> {
  let group: Partition[] = [];
  let rows = 0;
  for await (const p of partitions) {
    group.push(p);
    rows += p.cableIds.length;
    if (rows >= GROUP_ROWS) {
      yield group;
      [group, rows] = [[], 0];
    }
  }
  if (group.length) yield group;
}

async function writeWith(library: Library, input: string, output: string): Promise<void> {
  const partitions = readPartitions(input);
  if (library === 'decode-only') {
    let rows = 0;
    for await (const p of partitions) rows += p.cableIds.length;
    await writeFile(output, `${rows}\n`);
  } else if (library === 'hyparquet-writer') {
    const out = createWriteStream(output);
    for await (const chunk of writeResultsParquet(partitions, { rowGroupRows: GROUP_ROWS })) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } else if (library === 'parquet-wasm') {
    const arrow = await import('apache-arrow');
    const wasm = await import('parquet-wasm');
    const batches = async function* () {
      for await (const group of groups(partitions)) {
        const rows = group.flatMap((p) => p.cableIds.map((cableId, i) => ({ p, i, cableId })));
        const ts = new arrow.TimestampMillisecond('UTC');
        const table = new arrow.Table({
          selection: arrow.vectorFromArray(
            rows.map((r) => r.p.selection),
            new arrow.Utf8(),
          ),
          start_date: arrow.vectorFromArray(
            rows.map((r) => parseTaskDate(r.p.startDate)),
            ts,
          ),
          end_date: arrow.vectorFromArray(
            rows.map((r) => parseTaskDate(r.p.endDate)),
            ts,
          ),
          cable_id: arrow.vectorFromArray(
            rows.map((r) => r.cableId),
            new arrow.Utf8(),
          ),
          capacity_kw: arrow.makeVector(Float64Array.from(rows, (r) => r.p.capacityKw[r.i]!)),
          peak_kw: arrow.makeVector(Float64Array.from(rows, (r) => r.p.peakKw[r.i]!)),
          peak_at: arrow.vectorFromArray(
            rows.map((r) => r.p.peakAt[r.i]! * 60_000),
            ts,
          ),
          utilization: arrow.makeVector(Float64Array.from(rows, (r) => r.p.utilization[r.i]!)),
          overloaded_intervals: arrow.makeVector(
            Uint32Array.from(rows, (r) => r.p.overloadedIntervals[r.i]!),
          ),
          energy_kwh: arrow.makeVector(Float64Array.from(rows, (r) => r.p.energyKwh[r.i]!)),
        });
        yield* wasm.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')).recordBatches();
      }
    };
    const properties = new wasm.WriterPropertiesBuilder().setCompression(wasm.Compression.SNAPPY).build();
    const stream = await wasm.transformParquetStream(ReadableStream.from(batches()), properties);
    const out = createWriteStream(output);
    for await (const chunk of stream as ReadableStream<Uint8Array>) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } else {
    const { ParquetSchema, ParquetWriter } = await import('@dsnp/parquetjs');
    const field = (type: string) => ({ type, compression: 'SNAPPY' }) as const;
    const schema = new ParquetSchema({
      selection: field('UTF8'),
      start_date: field('TIMESTAMP_MILLIS'),
      end_date: field('TIMESTAMP_MILLIS'),
      cable_id: field('UTF8'),
      capacity_kw: field('DOUBLE'),
      peak_kw: field('DOUBLE'),
      peak_at: field('TIMESTAMP_MILLIS'),
      utilization: field('DOUBLE'),
      overloaded_intervals: field('UINT_32'),
      energy_kwh: field('DOUBLE'),
    } as never);
    const writer = await ParquetWriter.openFile(schema, output, { rowGroupSize: GROUP_ROWS });
    for await (const p of partitions) {
      const start = new Date(parseTaskDate(p.startDate));
      const end = new Date(parseTaskDate(p.endDate));
      for (let i = 0; i < p.cableIds.length; i++) {
        await writer.appendRow({
          selection: p.selection,
          start_date: start,
          end_date: end,
          cable_id: p.cableIds[i]!,
          capacity_kw: p.capacityKw[i]!,
          peak_kw: p.peakKw[i]!,
          peak_at: new Date(p.peakAt[i]! * 60_000),
          utilization: p.utilization[i]!,
          overloaded_intervals: p.overloadedIntervals[i]!,
          energy_kwh: p.energyKwh[i]!,
        });
      }
    }
    await writer.close();
  }
}

/** Every row of the file as DuckDB reads it, written as a CSV line. */
async function csvOf(file: string): Promise<{ csv: string; types: string }> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const types = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`))
    .getRows()
    .map((row) => `${String(row[0])}:${String(row[1])}`)
    .join(' ');
  const result = await connection.run(
    `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`,
  );
  const date = (v: unknown) =>
    v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue
      ? formatTaskDate(Number(v.micros / 1000n))
      : `not a timestamp: ${String(v)}`;
  let csv = `${RESULT_CSV_HEADER}\n`;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const [s, sd, ed, c, cap, peak, at, u, o, e] of chunk.getRows()) {
      csv += `${formatResultRow({
        selection: s as string,
        startDate: date(sd),
        endDate: date(ed),
        cableId: c as string,
        capacityKw: cap as number,
        peakKw: peak as number,
        peakAt: date(at),
        utilization: u as number,
        overloadedIntervals: Number(o),
        energyKwh: e as number,
      })}\n`;
    }
  }
  connection.closeSync();
  return { csv, types };
}

if (process.argv[2] === '--write') {
  const [, , , library, input, output] = process.argv as [string, string, string, Library, string, string];
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await writeWith(library, input, output);
  const used = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      cpuMs: (used.user + used.system) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  const chosen = process.argv.slice(2) as Library[];
  const dir = await mkdtemp(join(tmpdir(), 'measure-parquet-'));
  try {
    const built = buildTopology(generateSynthetic({ substations: 1000, nodes: 400, seed: 7 }));
    if (!built.ok) throw new Error('synthetic topology is invalid');
    const topology = built.topology;
    const selections = topology.substations.map((s) => s.id).sort();
    const tasks = planTasks({
      selections,
      start: '2023-01-01 00:00',
      end: '2023-01-31 23:59',
      chunk: 'month',
    });
    const stored: Buffer[] = [];
    let expected = `${RESULT_CSV_HEADER}\n`;
    for (const task of tasks) {
      const compiled = compileSelection(topology, task.selection);
      const { partition } = calculateTaskPartition(compiled, task.startDate, task.endDate);
      const data = encodePartition(partition);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(data.length);
      stored.push(length, Buffer.from(data));
      expected += formatPartitionCsv(partition);
    }
    const input = join(dir, 'partitions.bin');
    await writeFile(input, Buffer.concat(stored));
    const rows = expected.split('\n').length - 2;
    console.log(
      `${tasks.length} partitions, ${rows} rows, row groups of ${GROUP_ROWS}+ rows, ${(stored.reduce((s, b) => s + b.length, 0) / 1e6).toFixed(1)} MB stored; CSV ${(expected.length / 1e6).toFixed(1)} MB; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log('library            time s   CPU s   peak RSS MB   file MB   DuckDB read-back');
    for (const library of chosen.length ? chosen : LIBRARIES) {
      const output = join(dir, `${library.replace('/', '_')}.parquet`);
      let line: string;
      try {
        const out = execFileSync(
          process.execPath,
          [...process.execArgv, process.argv[1]!, '--write', library, input, output],
          { encoding: 'utf8', maxBuffer: 1 << 20 },
        );
        const m = JSON.parse(out.trim().split('\n').at(-1)!) as {
          ms: number;
          cpuMs: number;
          peakRssMb: number;
        };
        if (library === 'decode-only') {
          console.log(
            `${library.padEnd(17)} ${(m.ms / 1000).toFixed(2).padStart(6)}  ${(m.cpuMs / 1000).toFixed(2).padStart(6)}  ${m.peakRssMb.toFixed(0).padStart(12)}`,
          );
          continue;
        }
        const { csv, types } = await csvOf(output);
        const same =
          csv === expected ? 'every value equal' : `DIFFERENT (${csv.length} vs ${expected.length} chars)`;
        line = `${(m.ms / 1000).toFixed(2).padStart(6)}  ${(m.cpuMs / 1000).toFixed(2).padStart(6)}  ${m.peakRssMb.toFixed(0).padStart(12)}  ${((await stat(output)).size / 1e6).toFixed(1).padStart(8)}   ${same}\n${''.padEnd(19)}${types}`;
      } catch (error) {
        line = `failed: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`;
      }
      console.log(`${library.padEnd(17)} ${line}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
