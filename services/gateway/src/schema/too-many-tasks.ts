import { countWindowPieces } from '@conveyor/grid';
import type { Chunk } from '@conveyor/messages';
import { builder } from './builder.js';
import { ErrorInterface, type UserError } from './errors.js';

type TooManyTasks = UserError & { count: number; limit: number };

const count = (n: number) => n.toLocaleString('en-US');

export const TooManyTasksError = builder.objectRef<TooManyTasks>('TooManyTasksError').implement({
  description:
    'The request would plan more tasks than MAX_TASKS_PER_RUN: ask for fewer selections, a shorter window or a coarser chunk.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'TooManyTasksError',
  fields: (t) => ({
    count: t.exposeFloat('count', {
      description: 'Tasks the request would plan (at least: one selection when none are named)',
    }),
    limit: t.exposeInt('limit', { description: 'MAX_TASKS_PER_RUN' }),
  }),
});

/**
 * TooManyTasksError when the request can be counted over `limit`: its selections (at least one when
 * it names none — the topology decides how many, and the leader checks the plan) × the window's
 * pieces. Counted without planning, so that a century by day costs nothing to refuse.
 */
export function checkTaskCount(
  input: { from: string; to: string; chunk?: string | null; selections?: string[] | null },
  limit: number,
): TooManyTasks | null {
  const chunk = (input.chunk ?? 'MONTH').toLowerCase() as Chunk;
  const pieces = countWindowPieces(input.from, input.to, chunk);
  const selections = input.selections?.length ?? 1;
  const tasks = selections * pieces;
  if (tasks <= limit) return null;
  const made = input.selections
    ? `${count(selections)} selections × ${count(pieces)} window pieces`
    : `at least one selection × ${count(pieces)} window pieces`;
  return {
    __typename: 'TooManyTasksError',
    message:
      `the request plans ${input.selections ? '' : 'at least '}${count(tasks)} tasks (${made}), over ` +
      `MAX_TASKS_PER_RUN (${count(limit)}): ask for fewer selections, a shorter window or a coarser chunk`,
    field: input.selections ? 'selections' : 'chunk',
    count: tasks,
    limit,
  };
}
