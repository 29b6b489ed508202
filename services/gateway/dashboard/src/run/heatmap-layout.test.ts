import { describe, expect, it } from 'vitest';
import { layoutHeatmap, utilizationColour } from './heatmap-layout';

const task = (selection: string, startDate: string, summary: object | null = null) => ({
  id: `${selection}|${startDate}`,
  selection,
  startDate,
  status: 'FINISHED',
  summary: summary && JSON.stringify(summary),
});

describe('the heatmap layout', () => {
  it('puts selections in natural order as rows and window pieces by start as columns', () => {
    const layout = layoutHeatmap([
      task('10', '2023-02-01 00:00'),
      task('2', '2023-01-01 00:00'),
      task('2', '2023-02-01 00:00'),
    ]);
    expect(layout.rows).toEqual(['2', '10']);
    expect(layout.columns).toEqual(['2023-01-01 00:00', '2023-02-01 00:00']);
    expect(layout.cells[1]![0]).toBeUndefined();
    expect(layout.cells[1]![1]!.task.id).toBe('10|2023-02-01 00:00');
  });

  it('marks a cell overloaded by its overloaded cables or a utilization over 1', () => {
    const layout = layoutHeatmap([
      task('1', 'a', { maxUtilization: 0.4, overloadedCables: 0 }),
      task('2', 'a', { maxUtilization: 0.9, overloadedCables: 2 }),
      task('3', 'a', { maxUtilization: 1.2 }),
      task('4', 'a'),
    ]);
    expect(layout.cells.map((row) => [row[0]!.maxUtilization, row[0]!.overloaded])).toEqual([
      [0.4, false],
      [0.9, true],
      [1.2, true],
      [null, false],
    ]);
    expect(utilizationColour(1.2)).toBe('#dc2626');
    expect(utilizationColour(0)).not.toBe(utilizationColour(1));
  });
});
