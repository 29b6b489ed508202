import { describe, expect, it } from 'vitest';
import { MonolithInputError, runMonolith } from './monolith.js';
import { RESULT_CSV_HEADER, writeResultsCsv } from './results-csv.js';
import { generateSynthetic } from './synthetic.js';

const json = generateSynthetic({ substations: 3, nodes: 20, seed: 11 });

describe('runMonolith', () => {
  it('computes one row per cable per task, in the CSV order, and sums the task summaries', () => {
    const progress: string[] = [];
    const { rows, summary } = runMonolith(
      json,
      { from: '2023-01-30 00:00', to: '2023-02-02 12:00', chunk: 'month', selections: ['3', '1'] },
      (done, total) => progress.push(`${done}/${total}`),
    );
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(summary.tasks).toBe(4);
    expect(summary.cables).toBe(4 * 20);
    expect(rows).toHaveLength(4 * 20);
    expect(
      rows.map((r) => `${r.selection} ${r.startDate} ${r.endDate}`).filter((v, i, a) => a.indexOf(v) === i),
    ).toEqual([
      '1 2023-01-30 00:00 2023-01-31 23:59',
      '1 2023-02-01 00:00 2023-02-02 12:00',
      '3 2023-01-30 00:00 2023-01-31 23:59',
      '3 2023-02-01 00:00 2023-02-02 12:00',
    ]);
    expect(summary.maxUtilization).toBe(Math.max(...rows.map((r) => r.utilization)));
    const csv = writeResultsCsv(rows).split('\n');
    expect(csv[0]).toBe(RESULT_CSV_HEADER);
    expect(csv).toHaveLength(1 + rows.length + 1);
  });

  it('computes every substation when no selections are named', () => {
    const { summary } = runMonolith(json, {
      from: '2023-01-01 00:00',
      to: '2023-01-01 23:59',
      chunk: 'none',
      selections: null,
    });
    expect(summary.tasks).toBe(3);
  });

  it('refuses unknown selections, naming each', () => {
    const run = () =>
      runMonolith(json, {
        from: '2023-01-01 00:00',
        to: '2023-01-01 23:59',
        chunk: 'day',
        selections: ['2', '9', 'x'],
      });
    expect(run).toThrow(MonolithInputError);
    expect(run).toThrow(/unknown selections: 9, x/);
  });

  it('refuses an invalid topology with every problem', () => {
    const broken = { ...json, cables: json.cables.map((c, i) => (i === 0 ? { ...c, capacityKw: 0 } : c)) };
    expect(() =>
      runMonolith(broken, {
        from: '2023-01-01 00:00',
        to: '2023-01-01 23:59',
        chunk: 'day',
        selections: null,
      }),
    ).toThrow(expect.objectContaining({ details: expect.objectContaining({ kind: 'invalid-topology' }) }));
  });
});
