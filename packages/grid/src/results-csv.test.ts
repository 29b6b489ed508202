import { describe, expect, it } from 'vitest';
import { RESULT_CSV_HEADER, writeResultsCsv, type ResultRow } from './results-csv.js';

const row = (selection: string, startDate: string, cableId: string): ResultRow => ({
  selection,
  startDate,
  endDate: '2023-01-31 23:59',
  cableId,
  capacityKw: 12.5,
  peakKw: 0.1 + 0.2,
  peakAt: '2023-01-03 18:00',
  utilization: 1 / 3,
  overloadedIntervals: 0,
  energyKwh: 1e21,
});

describe('results CSV', () => {
  it('orders rows by selection, start date and cable id in plain string order, numbers in shortest round-trip form', () => {
    const csv = writeResultsCsv([
      row('2', '2023-01-01 00:00', 'b'),
      row('10', '2023-01-01 00:00', 'a'),
      row('2', '2023-01-01 00:00', 'B'),
    ]);
    expect(csv.split('\n')).toEqual([
      RESULT_CSV_HEADER,
      '10,2023-01-01 00:00,2023-01-31 23:59,a,12.5,0.30000000000000004,2023-01-03 18:00,0.3333333333333333,0,1e+21',
      '2,2023-01-01 00:00,2023-01-31 23:59,B,12.5,0.30000000000000004,2023-01-03 18:00,0.3333333333333333,0,1e+21',
      '2,2023-01-01 00:00,2023-01-31 23:59,b,12.5,0.30000000000000004,2023-01-03 18:00,0.3333333333333333,0,1e+21',
      '',
    ]);
  });
});
