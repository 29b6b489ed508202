// Seeds runs as the pipeline would leave them: events recorded through the poller's own recordEvents,
// results written through writeTaskResults.
import { v4 as uuidv4 } from 'uuid';
import { recordEvents, writeTaskResults, type Database } from '@conveyor/db';
import { taskPartitionOf } from '@conveyor/db/testing';
import type { ResultRow } from '@conveyor/grid';
import { createEvent, taskIdFor, type ConveyorEvent, type TerminalRunStatus } from '@conveyor/messages';

export type SeedOptions = {
  /** Tasks: selections '1', '2', … over January 2023, one month each. */
  tasks?: number;
  finished?: number;
  failed?: number;
  /** Records run.completed with this status. */
  completed?: TerminalRunStatus;
  topologyId?: string;
  requestedAt?: Date;
};

export type SeededRun = {
  runId: string;
  taskIds: string[];
  events: ConveyorEvent[];
  results: ResultRow[];
};

const START = '2023-01-01 00:00';
const END = '2023-01-31 23:59';

/** Two cables per finished task, with numbers whose shortest form is long (0.1 + 0.2). */
export function resultRowsFor(selection: string, index: number): ResultRow[] {
  return ['b', 'a10', 'a9'].map((suffix, k) => ({
    selection,
    startDate: START,
    endDate: END,
    cableId: `c${selection}-${suffix}`,
    capacityKw: 50 + k,
    peakKw: 0.1 + 0.2 + index + k / 3,
    peakAt: '2023-01-02 18:00',
    utilization: (0.1 + 0.2 + index + k / 3) / (50 + k),
    overloadedIntervals: k === 2 ? 3 : 0,
    energyKwh: 1e21 + k,
  }));
}

/**
 * The summary a finished task reports (task.finished) and stores with its partition's stats: its
 * energy, through the cables leaving the substation, is not that of all its rows.
 */
const summaryFor = (index: number, rows: ResultRow[]) => ({
  cables: rows.length,
  maxUtilization: Math.max(...rows.map((row) => row.utilization)),
  overloadedCables: rows.filter((row) => row.overloadedIntervals > 0).length,
  energyKwh: 10.5 + index,
});

export async function seedRun(db: Database, options: SeedOptions = {}): Promise<SeededRun> {
  const runId = uuidv4();
  const taskCount = options.tasks ?? 2;
  const finished = options.finished ?? 0;
  const failed = options.failed ?? 0;
  const requestedAt = (options.requestedAt ?? new Date()).getTime();
  const at = (offsetMs: number) => new Date(requestedAt + offsetMs);
  const base = { runId, producer: 'test' };
  const tasks = Array.from({ length: taskCount }, (_, i) => {
    const selection = String(i + 1);
    return { taskId: taskIdFor(runId, selection, START), selection, startDate: START, endDate: END };
  });
  const events: ConveyorEvent[] = [
    createEvent('run.requested', {
      ...base,
      now: at(0),
      data: {
        window: { start: START, end: END },
        chunk: 'month',
        selections: null,
        topologySource: `synthetic:substations=${taskCount}&nodes=10&seed=1`,
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
    createEvent('run.planned', {
      ...base,
      now: at(1_000),
      data: { topologyId: options.topologyId ?? 'topology-x', taskCount, generation: 0 },
    }),
    createEvent('tasks.queued', { ...base, now: at(1_000), data: { tasks, generation: 0 } }),
  ];
  const results: ResultRow[] = [];
  tasks.slice(0, finished).forEach((task, i) => {
    const rows = resultRowsFor(task.selection, i);
    results.push(...rows);
    events.push(
      createEvent('task.finished', {
        ...base,
        taskId: task.taskId,
        now: at(2_000 + i),
        data: {
          attempt: 1,
          workerId: 'worker-1',
          finishedAt: at(2_000 + i).toISOString(),
          durationMs: 3,
          summary: summaryFor(i, rows),
          resultRows: rows.length,
          generation: 0,
        },
      }),
    );
  });
  tasks.slice(finished, finished + failed).forEach((task, i) => {
    events.push(
      createEvent('task.failed', {
        ...base,
        taskId: task.taskId,
        now: at(3_000 + i),
        data: {
          attempt: 3,
          workerId: 'worker-1',
          error: { message: `selection ${task.selection} exploded`, kind: 'permanent' },
          final: true,
          generation: 0,
        },
      }),
    );
  });
  if (options.completed) {
    const counts = {
      total: taskCount,
      queued: taskCount - finished - failed,
      started: 0,
      finished,
      failed,
      cancelled: 0,
    };
    events.push(
      createEvent('run.completed', {
        ...base,
        now: at(4_000),
        data: { status: options.completed, counts, durationMs: 4_000, generation: 0 },
      }),
    );
  }
  await recordEvents(db, events);
  for (const [i, task] of tasks.slice(0, finished).entries()) {
    const rows = results.filter((row) => row.selection === task.selection);
    await writeTaskResults(
      db,
      taskPartitionOf({ runId, taskId: task.taskId }, rows, { summary: summaryFor(i, rows) }),
    );
  }
  return { runId, taskIds: tasks.map((task) => task.taskId), events, results };
}
