import { listCellTasks, getRun, type Run } from '@conveyor/db';
import { parseTaskDate } from '@conveyor/grid';
import { createEvent, isTerminalRunStatus } from '@conveyor/messages';
import { builder } from './builder.js';
import {
  InvalidSelectionsError,
  InvalidWindowError,
  MalformedDateError,
  NothingToRetryError,
  RunNotFinishedError,
  RunNotFoundError,
  TooManyCellsError,
} from './errors.js';
import { RunRef } from './run.js';

/**
 * The most tasks one retryTasks names: their ids travel in one run.retry-requested, which must stay
 * under the 1 MiB message limit (20,000 ids of 36 characters ≈ 0.8 MB).
 */
export const MAX_RETRY_TASKS = 20_000;

const RetryCellsInput = builder.inputType('RetryCellsInput', {
  description:
    'The cells to re-run: tasks of these selections (all if absent) whose window piece overlaps [from, to) (unbounded where absent).',
  fields: (t) => ({
    selections: t.stringList({ required: false }),
    from: t.string({ required: false, description: 'YYYY-MM-DD HH:mm (UTC)' }),
    to: t.string({ required: false, description: 'YYYY-MM-DD HH:mm (UTC)' }),
  }),
});

const RetryTasksSuccess = builder
  .objectRef<{ __typename: 'RetryTasksSuccess'; run: Run; taskCount: number }>('RetryTasksSuccess')
  .implement({
    description: 'The retry is requested; the leader queues the chosen tasks again in a new generation.',
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'RetryTasksSuccess',
    fields: (t) => ({
      run: t.field({ type: RunRef, resolve: (success) => success.run }),
      taskCount: t.exposeInt('taskCount', { description: 'Chosen tasks to be queued again' }),
    }),
  });

const RetryTasksResult = builder.unionType('RetryTasksResult', {
  types: [
    RetryTasksSuccess,
    RunNotFoundError.ref,
    RunNotFinishedError.ref,
    NothingToRetryError.ref,
    MalformedDateError.ref,
    InvalidWindowError.ref,
    InvalidSelectionsError.ref,
    TooManyCellsError.ref,
  ],
});

function isTaskDate(value: string): boolean {
  try {
    parseTaskDate(value);
    return true;
  } catch {
    return false;
  }
}

builder.mutationField('retryTasks', (t) =>
  t.field({
    type: RetryTasksResult,
    description:
      'Queues the chosen tasks of a finished run again, whatever their status, in a new generation (publishes run.retry-requested with their ids).',
    args: {
      runId: t.arg.id({ required: true }),
      cells: t.arg({ type: RetryCellsInput, required: true }),
    },
    resolve: async (_, args, context) => {
      const { selections, from, to } = args.cells;
      for (const [field, value] of [
        ['from', from],
        ['to', to],
      ] as const)
        if (value != null && !isTaskDate(value))
          return MalformedDateError.make(
            `cells.${field} "${value}" is not YYYY-MM-DD HH:mm (UTC)`,
            `cells.${field}`,
          );
      if (from != null && to != null && to <= from)
        return InvalidWindowError.make(`cells.to ${to} is not after cells.from ${from}`, 'cells.to');
      if (
        selections &&
        (selections.length === 0 ||
          new Set(selections).size !== selections.length ||
          selections.some((s) => !s.trim()))
      )
        return InvalidSelectionsError.make(
          'cells.selections is empty, or has blank or repeated ids',
          'cells.selections',
        );
      const run = await getRun(context.db, String(args.runId));
      if (!run) return RunNotFoundError.make(`no run ${args.runId}`, 'runId');
      if (!isTerminalRunStatus(run.status))
        return RunNotFinishedError.make(
          `run ${run.id} is ${run.status}; re-run cells once it has ended`,
          'runId',
        );
      const tasks = await listCellTasks(context.db, run.id, { selections, from, to });
      if (tasks.length === 0)
        return NothingToRetryError.make(`no task of run ${run.id} is in the chosen cells`, 'cells');
      if (tasks.length > MAX_RETRY_TASKS)
        return TooManyCellsError.make(
          `${tasks.length} tasks are chosen; retryTasks re-runs at most ${MAX_RETRY_TASKS} (MAX_RETRY_TASKS)`,
          'cells',
        );
      await context.publishEvent(
        createEvent('run.retry-requested', {
          runId: run.id,
          producer: 'gateway',
          now: new Date(context.now()),
          data: { taskIds: tasks.map((task) => task.taskId), requestedBy: context.requestedBy },
        }),
      );
      return { __typename: 'RetryTasksSuccess' as const, run, taskCount: tasks.length };
    },
  }),
);
