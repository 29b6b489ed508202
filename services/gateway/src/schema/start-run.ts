import { v4 as uuidv4 } from 'uuid';
import { InvalidDateError, parseSource, parseWindow } from '@conveyor/grid';
import { createEvent } from '@conveyor/messages';
import { emptyRun, evolveRun, getRun, type Run } from '@conveyor/db';
import { requireToken } from '../context.js';
import { builder } from './builder.js';
import {
  InvalidSelectionsError,
  InvalidSourceError,
  InvalidWindowError,
  MalformedDateError,
  type UserError,
} from './errors.js';
import { Chunk, RunRef } from './run.js';

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
    isTypeOf: (v) => (v as { __typename?: string }).__typename === 'StartRunSuccess',
    fields: (t) => ({ run: t.field({ type: RunRef, resolve: (v) => v.run }) }),
  });

const StartRunResult = builder.unionType('StartRunResult', {
  types: [
    StartRunSuccess,
    MalformedDateError.ref,
    InvalidWindowError.ref,
    InvalidSourceError.ref,
    InvalidSelectionsError.ref,
  ],
});

type Input = {
  topologySource: string;
  from: string;
  to: string;
  chunk?: string | null;
  selections?: string[] | null;
};

/** The first thing wrong with a request, as a typed error; null when it is valid. */
export function validateStartRun(input: Input): UserError | null {
  for (const field of ['from', 'to'] as const) {
    try {
      parseWindow(input[field], input[field]);
    } catch (error) {
      return MalformedDateError.make((error as Error).message, field);
    }
  }
  try {
    parseWindow(input.from, input.to);
  } catch (error) {
    if (error instanceof InvalidDateError) return InvalidWindowError.make(error.message, 'to');
    throw error;
  }
  try {
    parseSource(input.topologySource);
  } catch (error) {
    return InvalidSourceError.make((error as Error).message, 'topologySource');
  }
  if (input.selections) {
    const ids = input.selections.map((s) => s.trim());
    if (ids.length === 0 || ids.some((s) => !s) || new Set(ids).size !== ids.length) {
      return InvalidSelectionsError.make(
        'selections must be distinct, non-blank ids (omit the list to compute all)',
        'selections',
      );
    }
  }
  return null;
}

builder.mutationField('startRun', (t) =>
  t.field({
    type: StartRunResult,
    description:
      'Requests a run: publishes run.requested. Unknown selections fail the run once the topology is built.',
    args: { input: t.arg({ type: StartRunInput, required: true }) },
    resolve: async (_, { input }, context) => {
      requireToken(context);
      const invalid = validateStartRun(input);
      if (invalid) return invalid;
      const runId = uuidv4();
      const event = createEvent('run.requested', {
        runId,
        producer: 'gateway',
        data: {
          window: { start: input.from, end: input.to },
          chunk: (input.chunk ?? 'MONTH').toLowerCase() as 'none' | 'day' | 'week' | 'month',
          selections: input.selections ?? null,
          topologySource: input.topologySource,
          calculation: 'grid-load',
          requestedBy: context.requestedBy,
        },
      });
      await context.publishEvent(event);
      // The poller may not have projected the run yet: answer with the request's own projection.
      const run = (await getRun(context.db, runId)) ?? evolveRun(emptyRun(runId), event);
      return { __typename: 'StartRunSuccess' as const, run };
    },
  }),
);
