// The run's selection × window heatmap on one canvas (a thousand selections × 12 pieces are 12,000 cells,
// not 12,000 DOM nodes): coloured by status while the run runs, by max utilization once it is done, with
// overloaded cells outlined. A click on a cell opens its task.
import { useEffect, useMemo, useRef } from 'preact/hooks';
import {
  STATUS_COLOURS,
  layoutHeatmap,
  rowHeightFor,
  utilizationColour,
  type HeatCell,
  type HeatTask,
} from './heatmap-layout';

export const LABEL_WIDTH = 90; // px: selection ids
export const HEADER_HEIGHT = 20; // px: piece start dates
const MIN_COLUMN = 14; // px

export function Heatmap({
  tasks,
  done,
  width,
  onSelect,
}: {
  tasks: HeatTask[];
  /** The run is terminal: colour by utilization instead of status. */
  done: boolean;
  width: number;
  onSelect: (taskId: string) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const layout = useMemo(() => layoutHeatmap(tasks), [tasks]);
  const rowHeight = rowHeightFor(layout.rows.length);
  const columnWidth = Math.max(
    MIN_COLUMN,
    Math.floor((width - LABEL_WIDTH) / Math.max(1, layout.columns.length)),
  );
  const canvasWidth = LABEL_WIDTH + columnWidth * layout.columns.length;
  const canvasHeight = HEADER_HEIGHT + rowHeight * layout.rows.length;

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, canvasWidth, canvasHeight);
    context.font = '11px ui-monospace, monospace';
    context.textBaseline = 'middle';
    context.fillStyle = '#6b7280';
    layout.columns.forEach((column, c) => {
      if (columnWidth >= 70 || c % Math.ceil(70 / columnWidth) === 0)
        context.fillText(column.slice(0, 10), LABEL_WIDTH + c * columnWidth + 2, HEADER_HEIGHT / 2);
    });
    layout.rows.forEach((row, r) => {
      const y = HEADER_HEIGHT + r * rowHeight;
      if (rowHeight >= 12 || r % 10 === 0) {
        context.fillStyle = '#374151';
        context.fillText(row.slice(0, 12), 2, y + rowHeight / 2);
      }
      layout.cells[r]!.forEach(
        (cell, c) =>
          cell &&
          drawCell(context, cell, done, {
            x: LABEL_WIDTH + c * columnWidth,
            y,
            w: columnWidth,
            h: rowHeight,
          }),
      );
    });
  }, [layout, done, columnWidth, rowHeight, canvasWidth, canvasHeight]);

  const cellAt = (event: MouseEvent): HeatCell | undefined => {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const c = Math.floor((event.clientX - box.left - LABEL_WIDTH) / columnWidth);
    const r = Math.floor((event.clientY - box.top - HEADER_HEIGHT) / rowHeight);
    if (c < 0 || r < 0) return undefined;
    return layout.cells[r]?.[c];
  };
  const counts = countStatuses(tasks);
  return (
    <div class="heatmap" id="heatmap">
      <canvas
        ref={canvas}
        width={canvasWidth}
        height={canvasHeight}
        data-rows={layout.rows.length}
        data-columns={layout.columns.length}
        data-mode={done ? 'utilization' : 'status'}
        data-cell-width={columnWidth}
        data-cell-height={rowHeight}
        data-overloaded={layout.cells.flat().filter((cell) => cell?.overloaded).length}
        {...Object.fromEntries(
          Object.entries(counts).map(([status, n]) => [`data-${status.toLowerCase()}`, n]),
        )}
        onClick={(event) => {
          const cell = cellAt(event);
          if (cell) onSelect(cell.task.id);
        }}
        onMouseMove={(event) => {
          const cell = cellAt(event);
          event.currentTarget.title = cell ? titleOf(cell) : '';
        }}
      />
    </div>
  );
}

function drawCell(
  context: CanvasRenderingContext2D,
  cell: HeatCell,
  done: boolean,
  box: { x: number; y: number; w: number; h: number },
) {
  const colour =
    done && cell.task.status === 'FINISHED'
      ? utilizationColour(cell.maxUtilization)
      : (STATUS_COLOURS[cell.task.status] ?? '#d1d5db');
  context.fillStyle = colour;
  context.fillRect(box.x + 1, box.y + 1, box.w - 2, box.h - 2);
  if (done && cell.overloaded && box.h >= 6) {
    context.strokeStyle = '#7f1d1d';
    context.lineWidth = 2;
    context.strokeRect(box.x + 2, box.y + 2, box.w - 4, box.h - 4);
  }
}

function titleOf(cell: HeatCell): string {
  const utilization = cell.maxUtilization === null ? '' : ` · max ${(100 * cell.maxUtilization).toFixed(0)}%`;
  return `${cell.task.selection ?? '?'} · ${cell.task.startDate ?? '?'} · ${cell.task.status}${utilization}${cell.overloaded ? ' · overloaded' : ''}`;
}

function countStatuses(tasks: HeatTask[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const task of tasks) counts[task.status] = (counts[task.status] ?? 0) + 1;
  return counts;
}
