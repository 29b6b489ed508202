import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { parseTaskDate } from './dates.js';
import type { Partition } from './partition.js';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

const MINUTE = 60_000; // ms
const timestamp = (name: string): SchemaElement => ({
  name,
  type: 'INT64',
  repetition_type: 'REQUIRED',
  converted_type: 'TIMESTAMP_MILLIS',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
});
const text = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  repetition_type: 'REQUIRED',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
});
const double = (name: string): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'REQUIRED' });

/** The results CSV's columns (DESIGN §5), typed: texts, UTC timestamps (ms), doubles, an unsigned int. */
const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 10 },
  text('selection'),
  timestamp('start_date'),
  timestamp('end_date'),
  text('cable_id'),
  double('capacity_kw'),
  double('peak_kw'),
  timestamp('peak_at'),
  double('utilization'),
  {
    name: 'overloaded_intervals',
    type: 'INT32',
    repetition_type: 'REQUIRED',
    // The converted type alone: hyparquet-writer 0.17.0 writes an INTEGER logical type DuckDB cannot parse.
    converted_type: 'UINT_32',
  },
  double('energy_kwh'),
];

/**
 * Rows per row group, at least: partitions (~400 rows each) are gathered until they reach it. Measured
 * on the 400,000-row grid-large result (README): 10,000 gave the least CPU and 161 MB peak RSS
 * against 224 MB at 50,000, for a file 2 % larger; 2,000 saved little memory and grew the file 7 %.
 */
export const PARQUET_ROW_GROUP_ROWS = 10_000;

/** One row group's columns from a few partitions, in their order. */
function columnsOf(partitions: Partition[]) {
  const rows = partitions.reduce((sum, p) => sum + p.cableIds.length, 0);
  const selection = new Array<string>(rows);
  const cableId = new Array<string>(rows);
  const startDate = new Float64Array(rows);
  const endDate = new Float64Array(rows);
  const peakAt = new Float64Array(rows);
  const [capacityKw, peakKw, utilization, energyKwh] = [0, 0, 0, 0].map(() => new Float64Array(rows)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const overloaded = new Uint32Array(rows);
  let at = 0;
  for (const p of partitions) {
    const n = p.cableIds.length;
    selection.fill(p.selection, at, at + n);
    startDate.fill(parseTaskDate(p.startDate), at, at + n);
    endDate.fill(parseTaskDate(p.endDate), at, at + n);
    for (let i = 0; i < n; i++) {
      cableId[at + i] = p.cableIds[i]!;
      peakAt[at + i] = p.peakAt[i]! * MINUTE;
    }
    capacityKw.set(p.capacityKw, at);
    peakKw.set(p.peakKw, at);
    utilization.set(p.utilization, at);
    energyKwh.set(p.energyKwh, at);
    overloaded.set(p.overloadedIntervals, at);
    at += n;
  }
  return [
    { name: 'selection', data: selection },
    { name: 'start_date', data: startDate },
    { name: 'end_date', data: endDate },
    { name: 'cable_id', data: cableId },
    { name: 'capacity_kw', data: capacityKw },
    { name: 'peak_kw', data: peakKw },
    { name: 'peak_at', data: peakAt },
    { name: 'utilization', data: utilization },

    // A plain array: hyparquet-writer turns numbers above 2^31 into the INT32 bits of UINT_32 only from one.
    { name: 'overloaded_intervals', data: Array.from(overloaded) },
    { name: 'energy_kwh', data: energyKwh },
  ];
}

/**
 * The results as one Parquet file (snappy pages), streamed: partitions in, in the export's order
 * ((selection, start_date), each in cable id order), file bytes out, one chunk per row group of
 * at least `PARQUET_ROW_GROUP_ROWS` rows, so that memory holds one row group, not the run.
 */
export async function* writeResultsParquet(
  partitions: AsyncIterable<Partition> | Iterable<Partition>,
  options: { rowGroupRows?: number } = {},
): AsyncGenerator<Uint8Array> {
  const groupRows = options.rowGroupRows ?? PARQUET_ROW_GROUP_ROWS;
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({ writer, schema: SCHEMA, createdBy: 'conveyor' });
  // The writer keeps `offset` (bytes so far, for the footer) apart from `index` (bytes in its buffer).
  const take = (): Uint8Array => {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  };
  let group: Partition[] = [];
  let rows = 0;
  const flush = () => {
    parquet.write({ columnData: columnsOf(group), rowGroupSize: rows }) as void;
    group = [];
    rows = 0;
    return take();
  };
  for await (const partition of partitions) {
    group.push(partition);
    rows += partition.cableIds.length;
    if (rows >= groupRows) yield flush();
  }
  if (rows > 0) yield flush();
  parquet.finish() as void;
  yield take();
}
