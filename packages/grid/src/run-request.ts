// What a run request must satisfy before anyone publishes it: checked the same way by the gateway's
// startRun and by the CLI (`run start`, `monolith`).
import { parseTaskDate } from './dates.js';
import { parseSource } from './source.js';

export type RunRequestInput = {
  topologySource: string;
  /** `YYYY-MM-DD HH:mm`, UTC. */
  from: string;
  /** `YYYY-MM-DD HH:mm`, UTC, inclusive. */
  to: string;
  /** Null or absent: every selection of the topology. */
  selections?: string[] | null;
};

/** The first thing wrong with a request: which field, and what a user can fix. */
export type RunRequestProblem = {
  kind: 'malformed-date' | 'invalid-window' | 'invalid-source' | 'invalid-selections';
  field: 'from' | 'to' | 'topologySource' | 'selections';
  message: string;
};

/** Limits of the columns that keep a request (runs.topology_source, run_process.selection). */
const MAX_SOURCE_LENGTH = 1024;
const MAX_SELECTION_LENGTH = 128;
const MAX_SELECTIONS = 10_000;

/** The first problem of a request (dates, window order, source, selections); null when it is valid. */
export function validateRunRequest(input: RunRequestInput): RunRequestProblem | null {
  const dates: Partial<Record<'from' | 'to', number>> = {};
  for (const field of ['from', 'to'] as const) {
    try {
      dates[field] = parseTaskDate(input[field]);
    } catch (error) {
      return { kind: 'malformed-date', field, message: (error as Error).message };
    }
  }
  if (dates.to! < dates.from!)
    return {
      kind: 'invalid-window',
      field: 'to',
      message: `the window ends (${input.to}) before it starts (${input.from})`,
    };
  if (input.topologySource.length > MAX_SOURCE_LENGTH)
    return {
      kind: 'invalid-source',
      field: 'topologySource',
      message: `the topology source is longer than ${MAX_SOURCE_LENGTH} characters`,
    };
  try {
    parseSource(input.topologySource);
  } catch (error) {
    return { kind: 'invalid-source', field: 'topologySource', message: (error as Error).message };
  }
  return input.selections ? selectionsProblem(input.selections) : null;
}

function selectionsProblem(ids: string[]): RunRequestProblem | null {
  const problem = (message: string): RunRequestProblem => ({
    kind: 'invalid-selections',
    field: 'selections',
    message,
  });
  if (ids.length === 0 || ids.length > MAX_SELECTIONS)
    return problem(`give 1 to ${MAX_SELECTIONS} selections, or omit the list to compute them all`);
  const bad = ids.find((id) => id.trim() !== id || id === '' || id.length > MAX_SELECTION_LENGTH);
  if (bad !== undefined)
    return problem(
      `"${bad}" is not a selection id (non-blank, no surrounding spaces, at most ${MAX_SELECTION_LENGTH} characters)`,
    );
  const seen = new Set<string>();
  const repeated = ids.find((id) => seen.size === seen.add(id).size);
  return repeated === undefined ? null : problem(`"${repeated}" is listed twice`);
}
