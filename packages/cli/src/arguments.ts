// How commands read their arguments: node:util parseArgs with its errors as usage errors, and the
// options that describe a run, shared by `monolith` and `run start`.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CHUNKS, validateRunRequest, type Chunk, type RunRequestProblem } from '@conveyor/grid';
import { UsageError } from './usage-error.js';

/** node:util parseArgs; its errors (an unknown option, a missing value) are usage errors, `usage` after. */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
  usage?: string,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(usage ? `${message}\n${usage}` : message);
  }
}

/** The parseArgs options of a run request. */
export const RUN_OPTIONS = {
  topology: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  chunk: { type: 'string' },
  selections: { type: 'string' },
} as const;

export type RunArguments = {
  topologySource: string;
  from: string;
  to: string;
  chunk: Chunk;
  selections: string[] | null;
};

/**
 * Reads a run request from the RUN_OPTIONS values (`--chunk` defaults to month, `--selections` is a
 * comma-separated list) and checks it as the gateway does (validateRunRequest); what is wrong is a
 * UsageError naming the option — except the problems of the kinds in `leftToGateway`, which the
 * command sends on for the gateway to answer with its typed error.
 */
export function parseRunArguments(
  values: { topology?: string; from?: string; to?: string; chunk?: string; selections?: string },
  usage: string,
  leftToGateway: RunRequestProblem['kind'][] = [],
): RunArguments {
  if (!values.topology)
    throw new UsageError(
      `--topology is required (file:PATH or synthetic:substations=N&nodes=M&seed=S)\n${usage}`,
    );
  if (!values.from || !values.to) throw new UsageError(`--from and --to are required\n${usage}`);
  const chunk = (values.chunk ?? 'month') as Chunk;
  if (!CHUNKS.includes(chunk))
    throw new UsageError(`--chunk must be one of ${CHUNKS.join(', ')}, got "${values.chunk}"`);
  const selections = values.selections
    ? values.selections
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  const request = { topologySource: values.topology, from: values.from, to: values.to, chunk, selections };
  const problem = validateRunRequest(request);
  if (problem && !leftToGateway.includes(problem.kind))
    throw new UsageError(
      `--${problem.field === 'topologySource' ? 'topology' : problem.field}: ${problem.message}`,
    );
  return request;
}
