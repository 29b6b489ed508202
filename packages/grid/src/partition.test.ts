import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { formatTaskDate } from './dates.js';
import { calculateTask, calculateTaskPartition, compileSelection, type CableResult } from './kernel.js';
import { runMonolith } from './monolith.js';
import {
  InvalidPartitionError,
  PARTITION_VERSION,
  decodePartition,
  encodePartition,
  partitionOfRows,
  rowsOfPartition,
  type Partition,
} from './partition.js';
import { planTasks } from './plan.js';
import {
  RESULT_CSV_HEADER,
  formatPartitionCsv,
  formatResultRow,
  resultRowsOf,
  sortResultRows,
  writeResultsCsv,
  type ResultRow,
} from './results-csv.js';
import { generateSynthetic } from './synthetic.js';

const task = { selection: '7', startDate: '2023-01-01 00:00', endDate: '2023-01-31 23:59' };

/** A date the partition can hold: whole minutes from 1000-01-01 to 6053-01-23 02:07 (int32 minutes). */
const date = fc
  .integer({ min: Date.UTC(1000, 0, 1) / 60_000, max: 0x7fffffff })
  .map((minute) => formatTaskDate(minute * 60_000));
// Any finite double: fast-check includes -0, subnormals, ±Number.MAX_VALUE and Number.MIN_VALUE.
const double = fc.double({ noNaN: true, noDefaultInfinity: true });
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

const cableRow = fc
  .record({
    cableId: text,
    capacityKw: double,
    peakKw: double,
    peakAt: date,
    utilization: double,
    overloadedIntervals: fc.nat({ max: 0xffffffff }),
    energyKwh: double,
    derived: fc.boolean(),
  })
  // Half the rows have utilization = peakKw / capacityKw, as the kernel's (the encoding then omits it).
  .map(({ derived, ...row }): CableResult => {
    const utilization = row.peakKw / row.capacityKw;
    return derived && Number.isFinite(utilization) ? { ...row, utilization } : row;
  });
const cableRows = fc.uniqueArray(cableRow, { selector: (row) => row.cableId, maxLength: 60 });
const taskOf = fc.record({ selection: text, startDate: date, endDate: date });

/** Equal, numbers compared with Object.is (so -0 ≠ 0 and every bit counts). */
function expectSameRows(actual: ResultRow[], expected: ResultRow[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i]!;
    for (const key of Object.keys(want) as (keyof ResultRow)[]) {
      if (!Object.is(row[key], want[key]))
        throw new Error(`row ${i} ${key}: ${String(row[key])} ≠ ${String(want[key])}`);
    }
  });
}

const roundTrip = (partition: Partition) => decodePartition(encodePartition(partition));

describe('result partition encoding', () => {
  it('any rows come back as they went in, in cable id order, every number bit for bit', () => {
    fc.assert(
      fc.property(taskOf, cableRows, (owner, rows) => {
        const data = encodePartition(partitionOfRows(owner, rows));
        expect(data[0]).toBe(PARTITION_VERSION);
        expectSameRows(rowsOfPartition(decodePartition(data)), sortResultRows(resultRowsOf(rows, owner)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps -0, subnormals and the extremes of every double column', () => {
    const values = [
      -0,
      0,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      2.2250738585072014e-308 / 3,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
    ];
    const rows = values.map((value, i) => ({
      cableId: `c${i}`,
      capacityKw: value,
      peakKw: -value,
      peakAt: '2023-01-01 00:00',
      utilization: value,
      overloadedIntervals: i === 0 ? 0xffffffff : i,
      energyKwh: value,
    }));
    expectSameRows(rowsOfPartition(roundTrip(partitionOfRows(task, rows))), resultRowsOf(rows, task));
  });

  it('stores utilization when it is not peakKw / capacityKw to the bit (0 where the quotient is -0)', () => {
    const row = { peakAt: '2023-01-01 00:00', overloadedIntervals: 0, energyKwh: 1 };
    const rows = [
      { ...row, cableId: 'a', capacityKw: -1, peakKw: 0, utilization: 0 },
      { ...row, cableId: 'b', capacityKw: 1, peakKw: -0, utilization: 0 },
      { ...row, cableId: 'c', capacityKw: 3, peakKw: 1, utilization: 1 / 3 },
    ];
    expectSameRows(rowsOfPartition(roundTrip(partitionOfRows(task, rows))), resultRowsOf(rows, task));
  });

  it('keeps texts whose UTF-8 length takes several bytes to write', () => {
    const owner = { ...task, selection: `S-${'é'.repeat(20_000)}` };
    const rows = [127, 128, 300, 70_000].map((length, i) => ({
      cableId: `${i}${'€'.repeat(length)}`,
      capacityKw: 1,
      peakKw: 2,
      peakAt: '2023-01-02 03:45',
      utilization: 2,
      overloadedIntervals: i,
      energyKwh: 3,
    }));
    expectSameRows(rowsOfPartition(roundTrip(partitionOfRows(owner, rows))), resultRowsOf(rows, owner));
  });

  it("the kernel's partition holds the same bits as its row objects, with the same summary", () => {
    const built = buildTopology(generateSynthetic({ substations: 3, nodes: 60, seed: 3 }));
    if (!built.ok) throw new Error('invalid synthetic topology');
    for (const substation of built.topology.substations) {
      const compiled = compileSelection(built.topology, substation.id);
      for (const [from, to] of [
        ['2023-01-01 00:00', '2023-01-31 23:59'],
        ['2023-06-15 06:00', '2023-06-15 06:00'],
        ['2023-06-15 06:00', '2023-06-15 05:00'], // no interval at all
      ] as const) {
        const objects = calculateTask(compiled, from, to);
        const { partition, summary } = calculateTaskPartition(compiled, from, to);
        const owner = { selection: substation.id, startDate: from, endDate: to };
        expect(summary).toEqual(objects.summary);
        expectSameRows(rowsOfPartition(partition), resultRowsOf(objects.rows, owner));
        expectSameRows(rowsOfPartition(roundTrip(partition)), resultRowsOf(objects.rows, owner));
      }
    }
  });

  it('refuses NaN and infinities with the cable and the column', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const rows = [
        {
          cableId: 'k1',
          capacityKw: 1,
          peakKw: bad,
          peakAt: '2023-01-01 00:00',
          utilization: 1,
          overloadedIntervals: 0,
          energyKwh: 1,
        },
      ];
      expect(() => encodePartition(partitionOfRows(task, rows))).toThrow(
        new InvalidPartitionError(`cable k1: peakKw is ${bad}, not a finite number`),
      );
    }
  });

  it('refuses what the exports could not reproduce: bad dates, counts, ids out of order, broken text', () => {
    const row: CableResult = {
      cableId: 'k1',
      capacityKw: 1,
      peakKw: 1,
      peakAt: '2023-01-01 00:00',
      utilization: 1,
      overloadedIntervals: 0,
      energyKwh: 1,
    };
    expect(() => partitionOfRows(task, [{ ...row, peakAt: '2023-02-30 00:00' }])).toThrow(/not a real date/);
    expect(() => partitionOfRows(task, [{ ...row, peakAt: '7000-01-01 00:00' }])).toThrow(
      /too far from 1970/,
    );
    expect(() => partitionOfRows(task, [{ ...row, overloadedIntervals: 1.5 }])).toThrow(
      /overloaded_intervals must be a whole number/,
    );
    expect(() => encodePartition(partitionOfRows({ ...task, endDate: 'soon' }, [row]))).toThrow(
      InvalidPartitionError,
    );
    expect(() => encodePartition(partitionOfRows(task, [row, row]))).toThrow(/unique and in ascending order/);
    expect(() => encodePartition(partitionOfRows(task, [{ ...row, cableId: 'k\ud800' }]))).toThrow(
      /not valid Unicode/,
    );
    const shuffled = partitionOfRows(task, [row, { ...row, cableId: 'k2' }]);
    shuffled.cableIds.reverse();
    expect(() => encodePartition(shuffled)).toThrow(/"k2" before "k1"/);
  });

  it('refuses data that is not a partition of this version, whole', () => {
    const data = encodePartition(
      partitionOfRows(task, [
        {
          cableId: 'k1',
          capacityKw: 1,
          peakKw: 2,
          peakAt: '2023-01-01 00:00',
          utilization: 2,
          overloadedIntervals: 3,
          energyKwh: 4,
        },
      ]),
    );
    expect(() => decodePartition(new Uint8Array())).toThrow(/empty/);
    expect(() => decodePartition(Uint8Array.of(9, ...data.subarray(1)))).toThrow(
      /version 9; this code reads version 1/,
    );
    expect(() => decodePartition(data.subarray(0, data.length - 3))).toThrow(InvalidPartitionError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodePartition(Uint8Array.of(PARTITION_VERSION, ...bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidPartitionError);
        }
      }),
    );
  });
});

describe('CSV from partitions', () => {
  it("a decoded partition's CSV lines are formatResultRow of the same rows", () => {
    fc.assert(
      fc.property(taskOf, cableRows, (owner, rows) => {
        const expected = sortResultRows(resultRowsOf(rows, owner));
        const csv = formatPartitionCsv(roundTrip(partitionOfRows(owner, rows)));
        expect(csv).toBe(expected.map((row) => `${formatResultRow(row)}\n`).join(''));
      }),
      { numRuns: 300 },
    );
  });

  it("header + the kernel's partitions in (selection, start_date) order is the monolith's CSV, byte for byte", () => {
    const json = generateSynthetic({ substations: 12, nodes: 30, seed: 7 });
    const request = {
      from: '2023-01-20 00:00',
      to: '2023-03-10 12:00',
      chunk: 'month' as const,
      selections: null,
    };
    const monolith = writeResultsCsv(runMonolith(json, request).rows);
    const built = buildTopology(json);
    if (!built.ok) throw new Error('invalid synthetic topology');
    const selections = built.topology.substations.map((s) => s.id);
    const tasks = planTasks({ selections, start: request.from, end: request.to, chunk: request.chunk });
    const stored = tasks.map((t) => ({
      ...t,
      data: encodePartition(
        calculateTaskPartition(compileSelection(built.topology, t.selection), t.startDate, t.endDate)
          .partition,
      ),
    }));
    stored.sort((a, b) =>
      a.selection < b.selection ? -1 : a.selection > b.selection ? 1 : a.startDate < b.startDate ? -1 : 1,
    );
    const exported = `${RESULT_CSV_HEADER}\n${stored.map((p) => formatPartitionCsv(decodePartition(p.data))).join('')}`;
    expect(exported).toBe(monolith);
  });
});
