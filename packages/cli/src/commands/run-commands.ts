// `conveyor run start|follow|list|show|cancel|retry|export`: a run's life over the gateway's GraphQL API (`run diff`: run-diff.ts).
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RunProgress } from '@conveyor/messages';
import { parseCommandArgs as parse, parseRunArguments, RUN_OPTIONS } from '../arguments.js';
import { gatewayTokenFromEnv, gatewayUrlFromEnv } from '../environment.js';
import { createGatewayClient, GatewayError, type GatewayClient } from '../gateway-client.js';
import { createProgressView } from '../progress.js';
import type { Command } from '../registry.js';
import { UsageError } from '../usage-error.js';
import {
  printRun,
  printRuns,
  SHOW_QUERY,
  LIST_QUERY,
  type RunDetails,
  type RunSummary,
} from './run-show-view.js';

export const client = () => createGatewayClient({ url: gatewayUrlFromEnv(), token: gatewayTokenFromEnv() });

/** `--format text|json` (`--json` for short); text on a terminal, JSON when stdout is a pipe or a file. */
export const FORMAT_OPTIONS = {
  format: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;
export function outputFormat(values: { format?: string; json?: boolean }): 'text' | 'json' {
  if (values.json) return 'json';
  const format = values.format ?? (process.stdout.isTTY ? 'text' : 'json');
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format must be text or json, got "${format}"`);
  return format;
}

/** A gateway error is a clear message and exit code 1 (a UsageError goes on to main: exit 2). */
export const guarded = (run: (args: string[]) => Promise<number>) => async (args: string[]) => {
  try {
    return await run(args);
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
};

const PROGRESS = `subscription($id: ID!) { runProgress(runId: $id) {
  status total queued started finished failed cancelled percent tasksPerSecond etaSeconds } }`;

/**
 * Follows a run from the `runProgress` subscription (over SSE) until it is terminal, showing a
 * progress bar on stderr (plain lines when stderr is not a terminal). Resolves with the final status.
 */
export async function followRun(
  gateway: GatewayClient,
  runId: string,
  options: { stream?: NodeJS.WriteStream } = {},
): Promise<string> {
  const stream = options.stream ?? process.stderr;
  const view = createProgressView(`run ${runId.slice(0, 8)}`, stream);
  let last: RunProgress | undefined;
  try {
    for await (const { runProgress } of gateway.subscribe<{ runProgress: RunProgress }>(PROGRESS, {
      id: runId,
    })) {
      last = runProgress;
      view.show(runProgress);
    }
  } finally {
    view.stop();
  }
  if (!last) throw new GatewayError(`the gateway sent no progress for run ${runId}`);
  stream.write(
    `run ${runId}: ${last.status} — ${last.finished} finished, ${last.failed} failed, ${last.cancelled} cancelled of ${last.total}\n`,
  );
  return last.status;
}

const START = `mutation($input: StartRunInput!) { startRun(input: $input) {
  __typename ... on StartRunSuccess { run { id } } ... on Error { message field }
  ... on UnknownCalculationError { available } } }`;
type MutationOutcome = { __typename: string; message?: string; field?: string };

const START_USAGE =
  'usage: conveyor run start --topology SRC --from "YYYY-MM-DD HH:mm" --to … [--chunk] [--selections a,b] [--calculation NAME] [--reuse] [--bundle N] [--follow] [--json]';

export const runStartCommand: Command = {
  summary:
    'start a run: --topology SRC --from "YYYY-MM-DD HH:mm" --to … [--chunk] [--selections a,b] [--calculation NAME] [--reuse] [--bundle N] [--follow] [--json]',
  run: guarded(async (args) => {
    const { values } = parse({
      args,
      options: {
        ...RUN_OPTIONS,
        calculation: { type: 'string' },
        reuse: { type: 'boolean', default: false },
        bundle: { type: 'string' },
        follow: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    // The dates are the arguments' own syntax (exit 2); whether the source and the selections are
    // acceptable is the gateway's to say, with its typed error (exit 1): it resolves file: sources in
    // the topology service's directory and may accept what this CLI does not know.
    const request = parseRunArguments(values, START_USAGE, ['invalid-source', 'invalid-selections']);
    const gateway = client();
    if (values.calculation === '') throw new UsageError(`--calculation needs a name\n${START_USAGE}`);
    // A whole number is the argument's syntax; whether it is in range (1..1000) is the gateway's to say.
    const bundleSize = values.bundle === undefined ? undefined : Number(values.bundle);
    if (
      bundleSize !== undefined &&
      (!/^-?\d+$/.test(values.bundle ?? '') || !Number.isSafeInteger(bundleSize))
    )
      throw new UsageError(`--bundle needs a whole number of tasks per message\n${START_USAGE}`);
    const { startRun } = await gateway.request<{
      startRun: MutationOutcome & { run?: { id: string }; available?: string[] };
    }>(START, {
      input: {
        topologySource: request.topologySource,
        from: request.from,
        to: request.to,
        chunk: request.chunk.toUpperCase(),
        selections: request.selections,
        calculation: values.calculation,
        reuse: values.reuse,
        bundleSize,
      },
    });
    if (!startRun.run) {
      process.stderr.write(`${startRun.__typename}: ${startRun.message} (${startRun.field})\n`);
      // The calculations to choose from instead (`conveyor workers` shows who offers them).
      if (startRun.available) process.stderr.write(`available: ${startRun.available.join(', ')}\n`);
      return 1;
    }
    const runId = startRun.run.id;
    process.stdout.write(values.json ? `${JSON.stringify({ runId })}\n` : `run ${runId} requested\n`);
    if (!values.follow) return 0;
    return (await followRun(gateway, runId)) === 'SUCCEEDED' ? 0 : 1;
  }),
};

/** The one positional argument, a run id. */
function runIdArgument(positionals: string[], usage: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(usage);
  return positionals[0];
}

export const runFollowCommand: Command = {
  summary: 'follow a run live (progress bar, rate, ETA): exit 0 when it SUCCEEDED, 1 otherwise',
  run: guarded(async (args) => {
    const { positionals } = parse({ args, options: {}, allowPositionals: true });
    const runId = runIdArgument(positionals, 'usage: conveyor run follow <run-id>');
    return (await followRun(client(), runId)) === 'SUCCEEDED' ? 0 : 1;
  }),
};

export const runListCommand: Command = {
  summary: 'list runs, newest first: [--status RUNNING,FAILED] [--first N] [--format text|json]',
  run: guarded(async (args) => {
    const { values } = parse({
      args,
      options: { status: { type: 'string' }, first: { type: 'string' }, ...FORMAT_OPTIONS },
    });
    const format = outputFormat(values);
    const first = values.first === undefined ? 20 : Number(values.first);
    if (!Number.isInteger(first) || first < 1 || first > 500)
      throw new UsageError('--first must be from 1 to 500');
    const status = values.status?.split(',').map((s) => s.trim().toUpperCase());
    const { runs } = await client().request<{ runs: { nodes: RunSummary[] } }>(LIST_QUERY, { first, status });
    if (format === 'json') process.stdout.write(`${JSON.stringify(runs.nodes, null, 2)}\n`);
    else printRuns(runs.nodes);
    return 0;
  }),
};

export const runShowCommand: Command = {
  summary: 'show a run: request, status, counts, timings, results, failed tasks [--format text|json]',
  run: guarded(async (args) => {
    const { values, positionals } = parse({ args, options: FORMAT_OPTIONS, allowPositionals: true });
    const runId = runIdArgument(positionals, 'usage: conveyor run show <run-id> [--format text|json]');
    const format = outputFormat(values);
    const gateway = client();
    const { run } = await gateway.request<{ run: RunDetails | null }>(SHOW_QUERY, { id: runId });
    if (!run) {
      process.stderr.write(`no run ${runId}\n`);
      return 1;
    }
    if (format === 'json') process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    else printRun(run, gateway.baseUrl);
    return 0;
  }),
};

/** Prints a mutation's outcome: its typed error exits 1 with its message, success prints `done`. */
function report(
  outcome: MutationOutcome & { taskCount?: number },
  done: (taskCount: number) => string,
): number {
  if (outcome.message !== undefined) {
    process.stderr.write(`${outcome.__typename}: ${outcome.message}\n`);
    return 1;
  }
  process.stdout.write(`${done(outcome.taskCount ?? 0)}\n`);
  return 0;
}

type Outcome = MutationOutcome & { taskCount?: number };

export const runCancelCommand: Command = {
  summary: 'cancel a run',
  run: guarded(async (args) => {
    const { positionals } = parse({ args, options: {}, allowPositionals: true });
    const runId = runIdArgument(positionals, 'usage: conveyor run cancel <run-id>');
    const data = await client().request<{ cancelRun: Outcome }>(
      'mutation($id: ID!) { cancelRun(id: $id) { __typename ... on Error { message } } }',
      { id: runId },
    );
    return report(data.cancelRun, () => `cancellation of run ${runId} requested`);
  }),
};

const RETRY_USAGE =
  'usage: conveyor run retry <run-id> [--selections a,b] [--from "YYYY-MM-DD HH:mm"] [--to …]';
const RETRY_FAILED =
  'mutation($id: ID!) { retryFailedTasks(runId: $id) { __typename ... on RetryFailedTasksSuccess { taskCount } ... on Error { message } } }';
const RETRY_CELLS =
  'mutation($id: ID!, $cells: RetryCellsInput!) { retryTasks(runId: $id, cells: $cells) { __typename ... on RetryTasksSuccess { taskCount } ... on Error { message } } }';

export const runRetryCommand: Command = {
  summary:
    'queue the failed tasks of a run again; with --selections/--from/--to, the chosen cells whatever their status',
  run: guarded(async (args) => {
    const { positionals, values } = parse(
      {
        args,
        options: { selections: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
        allowPositionals: true,
      },
      RETRY_USAGE,
    );
    const runId = runIdArgument(positionals, RETRY_USAGE);
    if (values.selections === undefined && values.from === undefined && values.to === undefined) {
      const data = await client().request<{ retryFailedTasks: Outcome }>(RETRY_FAILED, { id: runId });
      return report(data.retryFailedTasks, (n) => `retry of ${n} failed task(s) of run ${runId} requested`);
    }
    const selections =
      values.selections === undefined
        ? null
        : values.selections
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    const cells = { selections, from: values.from ?? null, to: values.to ?? null };
    const data = await client().request<{ retryTasks: Outcome }>(RETRY_CELLS, { id: runId, cells });
    return report(data.retryTasks, (n) => `retry of ${n} chosen task(s) of run ${runId} requested`);
  }),
};

const EXPORT_USAGE = 'usage: conveyor run export <run-id> --out FILE [--format csv|parquet]';

export const runExportCommand: Command = {
  summary: "write a run's results: run export <run-id> --out FILE [--format csv|parquet] (default csv)",
  run: guarded(async (args) => {
    const { values, positionals } = parse({
      args,
      options: { out: { type: 'string' }, format: { type: 'string', default: 'csv' } },
      allowPositionals: true,
    });
    const runId = runIdArgument(positionals, EXPORT_USAGE);
    if (!values.out) throw new UsageError(`--out FILE is required (${EXPORT_USAGE})`);
    if (values.format !== 'csv' && values.format !== 'parquet')
      throw new UsageError(`--format must be csv or parquet, got "${values.format}"`);
    const response = await client().get(`/runs/${encodeURIComponent(runId)}/results.${values.format}`);
    if (!response.ok || !response.body)
      throw new GatewayError(
        `export of run ${runId} failed: HTTP ${response.status} ${(await response.text()).trim()}`,
      );
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(values.out));
    process.stdout.write(`wrote ${values.out}\n`);
    return 0;
  }),
};
