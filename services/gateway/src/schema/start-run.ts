import { v4 as uuidv4 } from 'uuid';
import { emptyRun, evolveRun, getRun, type Run } from '@conveyor/db';
import { parseSource, parseTaskDate } from '@conveyor/grid';
import { createEvent, type Chunk as ChunkValue } from '@conveyor/messages';
import { builder } from './builder.js';
import {
  InvalidSelectionsError,
  InvalidSourceError,
  InvalidWindowError,
  MalformedDateError,
  type UserError,
} from './errors.js';
import { Chunk, RunRef } from './run.js';
import { checkTaskCount, TooManyTasksError } from './too-many-tasks.js';

const StartRunInput = builder.inputType('StartRunInput', {
  fields: (t) => ({
    topologySource: t.string({
      required: true,
      description:
        "file:PATH (inside the topology service's TOPOLOGY_DIR) or synthetic:substations=N&nodes=M&seed=S",
    }),
    from: t.string({ required: true, description: 'Window start, "YYYY-MM-DD HH:mm" UTC' }),
    to: t.string({ required: true, description: 'Window end (inclusive), "YYYY-MM-DD HH:mm" UTC' }),
    chunk: t.field({
      type: Chunk,
      required: false,
      description: 'How the window is split into tasks (default MONTH)',
    }),
    selections: t.stringList({ required: false, description: 'Substations to compute; all when omitted' }),
  }),
});

const StartRunSuccess = builder
  .objectRef<{ __typename: 'StartRunSuccess'; run: Run }>('StartRunSuccess')
  .implement({
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'StartRunSuccess',
    fields: (t) => ({ run: t.field({ type: RunRef, resolve: (success) => success.run }) }),
  });

const StartRunResult = builder.unionType('StartRunResult', {
  types: [
    StartRunSuccess,
    InvalidWindowError.ref,
    MalformedDateError.ref,
    InvalidSourceError.ref,
    InvalidSelectionsError.ref,
    TooManyTasksError,
  ],
});

export type StartRunRequest = {
  topologySource: string;
  from: string;
  to: string;
  chunk?: string | null;
  selections?: string[] | null;
};

/** Limits of the columns that keep a request (runs.topology_source, run_process.selection). */
const MAX_SOURCE_LENGTH = 1024;
const MAX_SELECTION_LENGTH = 128;
const MAX_SELECTIONS = 10_000;

/** The first thing wrong with a request, as a typed error; null when it is valid. */
export function validateStartRun(input: StartRunRequest): UserError | null {
  const dates: Partial<Record<'from' | 'to', number>> = {};
  for (const field of ['from', 'to'] as const) {
    try {
      dates[field] = parseTaskDate(input[field]);
    } catch (error) {
      return MalformedDateError.make((error as Error).message, field);
    }
  }
  if (dates.to! < dates.from!)
    return InvalidWindowError.make(`the window ends (${input.to}) before it starts (${input.from})`, 'to');
  if (input.topologySource.length > MAX_SOURCE_LENGTH)
    return InvalidSourceError.make(`longer than ${MAX_SOURCE_LENGTH} characters`, 'topologySource');
  try {
    parseSource(input.topologySource);
  } catch (error) {
    return InvalidSourceError.make((error as Error).message, 'topologySource');
  }
  const ids = input.selections;
  if (ids) {
    if (ids.length === 0 || ids.length > MAX_SELECTIONS)
      return InvalidSelectionsError.make(
        `give 1 to ${MAX_SELECTIONS} selections, or omit the list to compute them all`,
        'selections',
      );
    const bad = ids.find((id) => id.trim() !== id || id === '' || id.length > MAX_SELECTION_LENGTH);
    if (bad !== undefined)
      return InvalidSelectionsError.make(
        `"${bad}" is not a selection id (non-blank, no surrounding spaces, at most ${MAX_SELECTION_LENGTH} characters)`,
        'selections',
      );
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated !== undefined)
      return InvalidSelectionsError.make(`"${repeated}" is listed twice`, 'selections');
  }
  return null;
}

builder.mutationField('startRun', (t) =>
  t.field({
    type: StartRunResult,
    description:
      'Requests a run: publishes run.requested. Selections unknown to the topology fail the run once it is built.',
    args: { input: t.arg({ type: StartRunInput, required: true }) },
    resolve: async (_, { input }, context) => {
      const invalid = validateStartRun(input) ?? checkTaskCount(input, context.maxTasksPerRun);
      if (invalid) return invalid;
      const runId = uuidv4();
      const event = createEvent('run.requested', {
        runId,
        producer: 'gateway',
        now: new Date(context.now()),
        data: {
          window: { start: input.from, end: input.to },
          chunk: (input.chunk ?? 'MONTH').toLowerCase() as ChunkValue,
          selections: input.selections ?? null,
          topologySource: input.topologySource,
          calculation: 'grid-load',
          requestedBy: context.requestedBy,
        },
      });
      await context.publishEvent(event);
      // The poller has most likely not recorded the run yet: answer with the projection of the request.
      const run = (await getRun(context.db, runId)) ?? evolveRun(emptyRun(runId), event);
      return { __typename: 'StartRunSuccess' as const, run };
    },
  }),
);
