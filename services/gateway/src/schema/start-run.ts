import { v4 as uuidv4 } from 'uuid';
import { emptyRun, evolveRun, getRun, type Run } from '@conveyor/db';
import { validateRunRequest, type RunRequestProblem } from '@conveyor/grid';
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
import { checkBundleSize, InvalidBundleSizeError } from './invalid-bundle-size.js';
import { checkTaskCount, TooManyTasksError } from './too-many-tasks.js';
import { checkCalculation, UnknownCalculationError } from './unknown-calculation.js';

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
    calculation: t.string({
      required: false,
      description: 'The calculation plug-in to run (default grid-load); see the `calculations` query',
    }),
    reuse: t.boolean({
      required: false,
      description:
        'Take the result of each task whose selection content hash, calculation and version, start and end equal ' +
        'those of a FINISHED task of an earlier run, instead of computing it (default false)',
    }),
    bundleSize: t.int({
      required: false,
      description:
        'Tasks per task message, 1 to 1000 (default 1: one task per message). Bundles suit runs of many short ' +
        'tasks; each task keeps its own events, attempts and results. Not for long tasks: a bundle’s tasks ' +
        'all wait in one worker’s prefetch',
    }),
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
    UnknownCalculationError,
    InvalidBundleSizeError,
  ],
});

/** The typed error of each problem validateRunRequest finds. */
const ERROR_OF_PROBLEM = {
  'malformed-date': MalformedDateError,
  'invalid-window': InvalidWindowError,
  'invalid-source': InvalidSourceError,
  'invalid-selections': InvalidSelectionsError,
} as const satisfies Record<
  RunRequestProblem['kind'],
  { make: (message: string, field: string) => UserError }
>;

builder.mutationField('startRun', (t) =>
  t.field({
    type: StartRunResult,
    description:
      'Requests a run: publishes run.requested. Selections unknown to the topology fail the run once it is built.',
    args: { input: t.arg({ type: StartRunInput, required: true }) },
    resolve: async (_, { input }, context) => {
      const problem = validateRunRequest(input);
      if (problem) return ERROR_OF_PROBLEM[problem.kind].make(problem.message, problem.field);
      const tooMany = checkTaskCount(input, context.maxTasksPerRun);
      if (tooMany) return tooMany;
      const badBundle = checkBundleSize(input.bundleSize);
      if (badBundle) return badBundle;
      const calculation = input.calculation ?? 'grid-load';
      const offered = context.live.workers.calculations().map((c) => c.name);
      const unknown = checkCalculation(calculation, offered);
      if (unknown) return unknown;
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
          calculation,
          requestedBy: context.requestedBy,
          ...(input.reuse ? { reuse: true } : {}),
          // 1 is the seed's message, and the default: left out, as for a request that names none.
          ...(input.bundleSize && input.bundleSize > 1 ? { bundleSize: input.bundleSize } : {}),
        },
      });
      await context.publishEvent(event);
      // The poller has most likely not recorded the run yet: answer with the projection of the request.
      const run = (await getRun(context.db, runId)) ?? evolveRun(emptyRun(runId), event);
      return { __typename: 'StartRunSuccess' as const, run };
    },
  }),
);
