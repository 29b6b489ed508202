import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { formatTaskDate, InvalidDateError, parseTaskDate } from './dates.js';
import type { CableResult } from './kernel.js';
import type { ResultRow } from './results-csv.js';

/**
 * One task's results as columns, rows in cable id order (plain string order, as in the CSV): the
 * `data` of a `task_results` partition (DESIGN §3) before it is encoded. Row `i` of every column
 * belongs to `cableIds[i]`.
 */
export type Partition = {
  selection: string;
  startDate: string;
  endDate: string;
  cableIds: string[];
  capacityKw: Float64Array;
  peakKw: Float64Array;
  /** Minutes since the epoch (UTC) of each cable's first peak interval. */
  peakAt: Int32Array;
  utilization: Float64Array;
  overloadedIntervals: Uint32Array;
  energyKwh: Float64Array;
};

/** Rows that cannot be stored as a partition, or `data` that is not one: permanent, say which and why. */
export class InvalidPartitionError extends Error {
  override name = 'InvalidPartitionError';
}

/** The first byte of `data`: the layout and compression below. */
export const PARTITION_VERSION = 1;
const MINUTE = 60_000; // ms
/** Decompressing refuses more than this, so that corrupt data cannot exhaust memory. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;
const DOUBLE_COLUMNS = ['capacityKw', 'peakKw', 'utilization', 'energyKwh'] as const;
const LONE_SURROGATE = /\p{Cs}/u;
/** Flag bit of the body: the utilization column is not stored, it is peakKw / capacityKw, bit for bit. */
const FLAG_UTILIZATION_DERIVED = 1;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error(
    'the partition encoding copies typed arrays as little-endian bytes: this machine is big-endian',
  );
}

/** An empty partition of `rows` rows for one task, to be filled column by column. */
export function allocatePartition(
  task: { selection: string; startDate: string; endDate: string },
  rows: number,
): Partition {
  return {
    selection: task.selection,
    startDate: task.startDate,
    endDate: task.endDate,
    cableIds: new Array<string>(rows),
    capacityKw: new Float64Array(rows),
    peakKw: new Float64Array(rows),
    peakAt: new Int32Array(rows),
    utilization: new Float64Array(rows),
    overloadedIntervals: new Uint32Array(rows),
    energyKwh: new Float64Array(rows),
  };
}

/** Minutes since the epoch of a `YYYY-MM-DD HH:mm` date, as the partition stores it. */
export function partitionMinutes(date: string): number {
  let ms: number;
  try {
    ms = parseTaskDate(date);
  } catch (error) {
    if (error instanceof InvalidDateError) throw new InvalidPartitionError(error.message, { cause: error });
    throw error;
  }
  const minutes = ms / MINUTE;
  if (minutes > 0x7fffffff || minutes < -0x80000000)
    throw new InvalidPartitionError(
      `${date} is too far from 1970 for a partition (int32 minutes: up to 6053-01-23 02:07)`,
    );
  return minutes;
}

/**
 * A task's cable results (any order, each cable once) as a partition in cable id order. For
 * plug-ins that produce row objects; the grid kernel fills a partition directly.
 */
export function partitionOfRows(
  task: { selection: string; startDate: string; endDate: string },
  rows: readonly CableResult[],
): Partition {
  const sorted = [...rows].sort((a, b) => (a.cableId < b.cableId ? -1 : a.cableId > b.cableId ? 1 : 0));
  const partition = allocatePartition(task, sorted.length);
  sorted.forEach((row, i) => {
    partition.cableIds[i] = row.cableId;
    partition.capacityKw[i] = row.capacityKw;
    partition.peakKw[i] = row.peakKw;
    partition.peakAt[i] = partitionMinutes(row.peakAt);
    partition.utilization[i] = row.utilization;
    partition.overloadedIntervals[i] = checkCount(row.overloadedIntervals, row.cableId);
    partition.energyKwh[i] = row.energyKwh;
  });
  return partition;
}

function checkCount(value: number, cableId: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new InvalidPartitionError(
      `cable ${cableId}: overloaded_intervals must be a whole number from 0 to 4294967295, got ${value}`,
    );
  return value;
}

/** The rows of a partition as objects (CSV order), e.g. for tests or a plug-in that wants them. */
export function rowsOfPartition(partition: Partition): ResultRow[] {
  const { selection, startDate, endDate } = partition;
  return partition.cableIds.map((cableId, i) => ({
    selection,
    startDate,
    endDate,
    cableId,
    capacityKw: partition.capacityKw[i]!,
    peakKw: partition.peakKw[i]!,
    peakAt: formatTaskDate(partition.peakAt[i]! * MINUTE),
    utilization: partition.utilization[i]!,
    overloadedIntervals: partition.overloadedIntervals[i]!,
    energyKwh: partition.energyKwh[i]!,
  }));
}

/** Refuses what the encoding cannot hold exactly or what the exports would get wrong. */
function checkPartition(partition: Partition): void {
  const rows = partition.cableIds.length;
  for (const column of [...DOUBLE_COLUMNS, 'peakAt', 'overloadedIntervals'] as const) {
    if (partition[column].length !== rows)
      throw new InvalidPartitionError(
        `column ${column} has ${partition[column].length} values for ${rows} cables`,
      );
  }
  for (const [name, text] of [
    ['selection', partition.selection],
    ['start_date', partition.startDate],
    ['end_date', partition.endDate],
  ] as const) {
    if (LONE_SURROGATE.test(text)) throw new InvalidPartitionError(`${name} is not valid Unicode text`);
  }
  partitionMinutes(partition.startDate);
  partitionMinutes(partition.endDate);
  for (let i = 0; i < rows; i++) {
    const id = partition.cableIds[i]!;
    if (typeof id !== 'string' || LONE_SURROGATE.test(id))
      throw new InvalidPartitionError(`cable id at row ${i} is not valid Unicode text`);
    if (i > 0 && !(partition.cableIds[i - 1]! < id))
      throw new InvalidPartitionError(
        `cable ids must be unique and in ascending order: "${partition.cableIds[i - 1]}" before "${id}"`,
      );
    for (const column of DOUBLE_COLUMNS) {
      // NaN and ±Infinity have no CSV or JSON form the exports could promise to keep; the kernel makes none.
      if (!Number.isFinite(partition[column][i]!))
        throw new InvalidPartitionError(
          `cable ${id}: ${column} is ${partition[column][i]}, not a finite number`,
        );
    }
  }
}

function writeVarint(bytes: Uint8Array, offset: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    bytes[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  bytes[offset++] = rest;
  return offset;
}

/** Every 8-byte (or 4-byte) value's byte k goes to plane k: similar numbers give runs the compressor finds. */
function shuffleInto(target: Uint8Array, offset: number, source: Uint8Array, width: number): void {
  const count = source.length / width;
  for (let k = 0; k < width; k++) {
    const plane = offset + k * count;
    for (let i = 0; i < count; i++) target[plane + i] = source[i * width + k]!;
  }
}

function unshuffle(source: Uint8Array, offset: number, count: number, width: number): Uint8Array {
  const bytes = new Uint8Array(count * width);
  for (let k = 0; k < width; k++) {
    const plane = offset + k * count;
    for (let i = 0; i < count; i++) bytes[i * width + k] = source[plane + i]!;
  }
  return bytes;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Whether every utilization is exactly peakKw / capacityKw (as the kernel computes it): then it is not stored. */
function utilizationIsDerived(partition: Partition): boolean {
  const { peakKw, capacityKw, utilization } = partition;
  for (let i = 0; i < utilization.length; i++) {
    if (!Object.is(utilization[i], peakKw[i]! / capacityKw[i]!)) return false;
  }
  return true;
}

/** The uncompressed body of a partition (see the README's "Result partitions" for the layout). */
export function encodePartitionBody(partition: Partition): Uint8Array {
  checkPartition(partition);
  const rows = partition.cableIds.length;
  const derived = utilizationIsDerived(partition);
  const doubles = DOUBLE_COLUMNS.filter((column) => !(derived && column === 'utilization'));
  const texts = [partition.selection, partition.startDate, partition.endDate, ...partition.cableIds];
  // UTF-8 takes at most 3 bytes per UTF-16 unit; a length's varint at most 5 bytes.
  const textBytes = texts.reduce((sum, text) => sum + text.length * 3 + 5, 0);
  const body = new Uint8Array(5 + rows * (8 * doubles.length + 8) + textBytes);
  new DataView(body.buffer).setUint32(0, rows, true);
  body[4] = derived ? FLAG_UTILIZATION_DERIVED : 0;
  let offset = 5;
  for (const column of doubles) {
    const values = partition[column];
    shuffleInto(body, offset, new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 8);
    offset += rows * 8;
  }
  for (const values of [partition.peakAt, partition.overloadedIntervals]) {
    shuffleInto(body, offset, new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 4);
    offset += rows * 4;
  }
  for (const text of texts) {
    // The length goes before the text, so write the text one byte further on and move it if its length takes more.
    const { written } = encoder.encodeInto(text, body.subarray(offset + 1));
    if (written < 0x80) {
      body[offset] = written;
      offset += 1 + written;
    } else {
      const lengthBytes = writeVarint(new Uint8Array(5), 0, written);
      body.copyWithin(offset + lengthBytes, offset + 1, offset + 1 + written);
      offset = writeVarint(body, offset, written) + written;
    }
  }
  return body.subarray(0, offset);
}

/** A partition's `data`: the version byte, then the brotli-compressed body. */
export function encodePartition(partition: Partition): Uint8Array {
  const body = encodePartitionBody(partition);
  const compressed = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const data = new Uint8Array(1 + compressed.length);
  data[0] = PARTITION_VERSION;
  data.set(compressed, 1);
  return data;
}

/** Chosen by measurement (README, "Result partitions"): the least size × encode CPU on 400-cable tasks. */
const BROTLI_QUALITY = 1;

/** Reads a partition's `data` back: every number bit for bit, every text as it was. */
export function decodePartition(data: Uint8Array): Partition {
  if (data.length === 0) throw new InvalidPartitionError('partition data is empty');
  if (data[0] !== PARTITION_VERSION)
    throw new InvalidPartitionError(
      `partition data has version ${data[0]}; this code reads version ${PARTITION_VERSION}`,
    );
  let body: Uint8Array;
  try {
    body = brotliDecompressSync(data.subarray(1), { maxOutputLength: MAX_BODY_BYTES });
  } catch (error) {
    throw new InvalidPartitionError('partition data does not decompress', { cause: error });
  }
  return decodePartitionBody(body);
}

/** The inverse of `encodePartitionBody`, checking every length against the bytes there are. */
export function decodePartitionBody(body: Uint8Array): Partition {
  const corrupt = (what: string) => new InvalidPartitionError(`partition data is corrupt: ${what}`);
  if (body.length < 5) throw corrupt('no row count');
  const rows = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true);
  const flags = body[4]!;
  if (flags & ~FLAG_UTILIZATION_DERIVED) throw corrupt(`unknown flags ${flags}`);
  const derived = (flags & FLAG_UTILIZATION_DERIVED) !== 0;
  let offset = 5;
  const stored = DOUBLE_COLUMNS.filter((column) => !(derived && column === 'utilization'));
  if (body.length < offset + rows * (8 * stored.length + 8))
    throw corrupt(`${rows} rows need more bytes than the ${body.length} there are`);
  const doubles = new Map(
    stored.map((column) => {
      const bytes = unshuffle(body, offset, rows, 8);
      offset += rows * 8;
      return [column, new Float64Array(bytes.buffer)] as const;
    }),
  );
  const capacityKw = doubles.get('capacityKw')!;
  const peakKw = doubles.get('peakKw')!;
  const energyKwh = doubles.get('energyKwh')!;
  const utilization = doubles.get('utilization') ?? peakKw.map((peak, i) => peak / capacityKw[i]!);
  const peakAt = new Int32Array(unshuffle(body, offset, rows, 4).buffer);
  offset += rows * 4;
  const overloadedIntervals = new Uint32Array(unshuffle(body, offset, rows, 4).buffer);
  offset += rows * 4;
  const readText = (): string => {
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (offset >= body.length || shift > 28) throw corrupt('a text length runs past the end');
      const byte = body[offset++]!;
      length += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    if (offset + length > body.length) throw corrupt('a text runs past the end');
    let text: string;
    try {
      text = decoder.decode(body.subarray(offset, offset + length));
    } catch (error) {
      throw new InvalidPartitionError('partition data is corrupt: a text is not UTF-8', { cause: error });
    }
    offset += length;
    return text;
  };
  const selection = readText();
  const startDate = readText();
  const endDate = readText();
  const cableIds = Array.from({ length: rows }, readText);
  if (offset !== body.length) throw corrupt(`${body.length - offset} bytes left over`);
  return {
    selection,
    startDate,
    endDate,
    cableIds,
    capacityKw,
    peakKw,
    peakAt,
    utilization,
    overloadedIntervals,
    energyKwh,
  };
}
