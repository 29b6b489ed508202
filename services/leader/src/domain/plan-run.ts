import { planTasks } from '@conveyor/grid';
import { taskIdFor, type Chunk, type QueuedTask } from '@conveyor/messages';

export type PlanRequest = {
  runId: string;
  window: { start: string; end: string };
  chunk: Chunk;
  selections: string[] | null;
};

export type Plan = { ok: true; tasks: QueuedTask[] } | { ok: false; reason: string };

/**
 * The requested selections (all when none are named) that exist in the topology × the window split
 * by chunk. Unknown selections fail the plan, naming each of them.
 */
export function planRun(request: PlanRequest, topologySelections: string[]): Plan {
  const known = new Set(topologySelections);
  const wanted = request.selections ?? topologySelections;
  const unknown = wanted.filter((selection) => !known.has(selection));
  if (unknown.length > 0) {
    return {
      ok: false,
      reason: `unknown selections: ${unknown.join(', ')} (the topology has ${topologySelections.length})`,
    };
  }
  if (wanted.length === 0) return { ok: false, reason: 'the run has no selections to compute' };
  const pieces = planTasks({
    selections: [...new Set(wanted)],
    start: request.window.start,
    end: request.window.end,
    chunk: request.chunk,
  });
  const tasks = pieces.map((piece) => ({
    taskId: taskIdFor(request.runId, piece.selection, piece.startDate),
    selection: piece.selection,
    startDate: piece.startDate,
    endDate: piece.endDate,
  }));
  return { ok: true, tasks };
}

/** The previous calendar month in UTC, as the seed's monthly job computes it. */
export function previousMonthWindow(now: Date): { start: string; end: string } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth(); // 0-based: the previous month's number, 1-based
  const startYear = month === 0 ? year - 1 : year;
  const startMonth = month === 0 ? 12 : month;
  const lastDay = new Date(Date.UTC(startYear, startMonth, 0)).getUTCDate();
  const mm = String(startMonth).padStart(2, '0');
  return {
    start: `${startYear}-${mm}-01 00:00`,
    end: `${startYear}-${mm}-${String(lastDay).padStart(2, '0')} 23:59`,
  };
}
