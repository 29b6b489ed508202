import { countWindowPieces, planTasks } from '@conveyor/grid';
import { v5 as uuidv5 } from 'uuid';
import { CONVEYOR_ID_NAMESPACE, taskIdFor, type Chunk, type QueuedTask } from '@conveyor/messages';

export type PlanRequest = {
  runId: string;
  window: { start: string; end: string };
  chunk: Chunk;
  selections: string[] | null;
};

export type Plan = { ok: true; tasks: QueuedTask[] } | { ok: false; reason: string };

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The requested selections (all when none are named) that exist in the topology × the window split
 * by chunk. Unknown selections fail the plan, naming them; so does a plan of more than `maxTasks`
 * tasks (MAX_TASKS_PER_RUN), counted before a single task is made.
 */
export function planRun(request: PlanRequest, topologySelections: string[], maxTasks: number): Plan {
  const known = new Set(topologySelections);
  const wanted = request.selections ?? topologySelections;
  const unknown = wanted.filter((selection) => !known.has(selection));
  if (unknown.length > 0) {
    const named =
      unknown.slice(0, 20).join(', ') + (unknown.length > 20 ? `, … (${unknown.length} in all)` : '');
    return {
      ok: false,
      reason: `unknown selections: ${named} (the topology has ${topologySelections.length})`,
    };
  }
  const selections = [...new Set(wanted)];
  if (selections.length === 0) return { ok: false, reason: 'the run has no selections to compute' };
  const pieces = countWindowPieces(request.window.start, request.window.end, request.chunk);
  const taskCount = selections.length * pieces;
  if (taskCount > maxTasks)
    return {
      ok: false,
      reason:
        `the plan has ${count(taskCount)} tasks (${count(selections.length)} selections × ${count(pieces)} ` +
        `window pieces), over MAX_TASKS_PER_RUN (${count(maxTasks)}): ask for fewer selections, a shorter ` +
        'window or a coarser chunk',
    };
  const planned = planTasks({
    selections,
    start: request.window.start,
    end: request.window.end,
    chunk: request.chunk,
  });
  const tasks = planned.map((piece) => ({
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

/**
 * The run id of a scheduled run: a uuid v5 of the schedule and the month it computes, so that a
 * CronJob that fires twice (or is retried) requests the same run, which the event store keeps once.
 */
export function scheduledRunId(schedule: string, window: { start: string }): string {
  return uuidv5(`schedule:${schedule}:${window.start.slice(0, 7)}`, CONVEYOR_ID_NAMESPACE);
}
