import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { gatewayTokenFromEnv, gatewayUrlFromEnv } from '../environment.js';
import { createGatewayClient, GatewayError, type GatewayClient } from '../gateway-client.js';
import { createProgress } from '../progress.js';
import type { Command } from '../registry.js';
import { UsageError } from '../usage-error.js';
import { parseRunArguments } from './monolith.js';

const client = () => createGatewayClient({ url: gatewayUrlFromEnv(), token: gatewayTokenFromEnv() });

/** Runs a command body; a gateway error is a clear message and exit code 1. */
const guarded = (run: (args: string[]) => Promise<number>) => async (args: string[]) => {
  try {
    return await run(args);
  } catch (error) {
    if (error instanceof GatewayError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
};

type Progress = {
  status: string;
  total: number;
  finished: number;
  failed: number;
  cancelled: number;
  percent: number;
  tasksPerSecond: number;
  etaSeconds: number | null;
};

/**
 * Follows a run's progress from the `runProgress` subscription with a progress bar (plain lines when
 * stderr is not a terminal). Resolves with the final status.
 */
export async function followRun(gateway: GatewayClient, runId: string): Promise<string> {
  let bar: ReturnType<typeof createProgress> | undefined;
  let last: Progress | undefined;
  const stream = gateway.subscribe<{ runProgress: Progress }>(
    'subscription($id: ID!) { runProgress(runId: $id) { status total finished failed cancelled percent tasksPerSecond etaSeconds } }',
    { id: runId },
  );
  for await (const { runProgress: p } of stream) {
    last = p;
    if (p.total > 0) {
      bar ??= createProgress(`run ${runId.slice(0, 8)}`, p.total);
      bar.update(p.finished + p.failed + p.cancelled, {
        rate: p.tasksPerSecond.toFixed(1),
      });
    }
  }
  bar?.stop();
  if (!last) throw new GatewayError(`no progress received for run ${runId}`);
  process.stderr.write(
    `run ${runId}: ${last.status} — ${last.finished} finished, ${last.failed} failed, ${last.cancelled} cancelled of ${last.total}\n`,
  );
  return last.status;
}

const START = `mutation($input: StartRunInput!) { startRun(input: $input) {
  __typename ... on StartRunSuccess { run { id } } ... on UserError { message field } } }`;

export const runStartCommand: Command = {
  summary: 'start a run over GraphQL: --topology --from --to [--chunk] [--selections] [--follow] [--json]',
  run: guarded(async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        topology: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        chunk: { type: 'string' },
        selections: { type: 'string' },
        follow: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.topology) throw new UsageError('--topology is required (file:PATH or synthetic:…)');
    const request = parseRunArguments(values);
    const gateway = client();
    const { startRun } = await gateway.request<{
      startRun: { __typename: string; run?: { id: string }; message?: string; field?: string };
    }>(START, {
      input: {
        topologySource: values.topology,
        from: request.from,
        to: request.to,
        chunk: request.chunk.toUpperCase(),
        selections: request.selections,
      },
    });
    if (!startRun.run) {
      process.stderr.write(`${startRun.__typename}: ${startRun.message} (${startRun.field})\n`);
      return 1;
    }
    process.stdout.write(
      values.json ? `${JSON.stringify({ runId: startRun.run.id })}\n` : `run ${startRun.run.id} requested\n`,
    );
    if (!values.follow) return 0;
    return (await followRun(gateway, startRun.run.id)) === 'SUCCEEDED' ? 0 : 1;
  }),
};

const idArgument = (args: string[], usage: string) => {
  const [id, ...rest] = args;
  if (!id || rest.length) throw new UsageError(usage);
  return id;
};

export const runFollowCommand: Command = {
  summary: 'follow a run live: exit 0 when it SUCCEEDED, 1 otherwise',
  run: guarded(async (args) =>
    (await followRun(client(), idArgument(args, 'usage: conveyor run follow <run-id>'))) === 'SUCCEEDED'
      ? 0
      : 1,
  ),
};

export const runListCommand: Command = {
  summary: 'list the latest runs',
  run: guarded(async () => {
    const { runs } = await client().request<{
      runs: {
        nodes: {
          id: string;
          status: string;
          percent: number;
          requestedAt: string | null;
          request: { topologySource: string | null };
        }[];
      };
    }>('query { runs(first: 50) { nodes { id status percent requestedAt request { topologySource } } } }');
    for (const run of runs.nodes) {
      process.stdout.write(
        `${run.id}  ${run.status.padEnd(17)} ${run.percent.toFixed(0).padStart(3)}%  ${run.requestedAt ?? ''}  ${run.request.topologySource ?? ''}\n`,
      );
    }
    return 0;
  }),
};

export const runShowCommand: Command = {
  summary: 'show a run: status, counts, timings, failures',
  run: guarded(async (args) => {
    const id = idArgument(args, 'usage: conveyor run show <run-id>');
    const { run } = await client().request<{ run: Record<string, unknown> | null }>(
      `query($id: ID!) { run(id: $id) { id status reason percent durationMs requestedAt completedAt generation
        request { topologySource from to chunk selections calculation }
        counts { total queued started finished failed cancelled }
        resultSummary { rows overloadedCables maxUtilization } resultsCsvUrl
        tasks(status: [FAILED], first: 20) { id selection startDate attempt error } } }`,
      { id },
    );
    if (!run) {
      process.stderr.write(`no run ${id}\n`);
      return 1;
    }
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return 0;
  }),
};

const control = (mutation: 'cancelRun' | 'retryFailedTasks', argument: 'id' | 'runId') =>
  guarded(async (args) => {
    const id = idArgument(
      args,
      `usage: conveyor run ${mutation === 'cancelRun' ? 'cancel' : 'retry'} <run-id>`,
    );
    const result = await client().request<Record<string, { __typename: string; message?: string }>>(
      `mutation($id: ID!) { ${mutation}(${argument}: $id) { __typename ... on UserError { message } } }`,
      { id },
    );
    const outcome = result[mutation]!;
    if (outcome.__typename !== 'RunChanged') {
      process.stderr.write(`${outcome.__typename}: ${outcome.message}\n`);
      return 1;
    }
    process.stdout.write(`${mutation === 'cancelRun' ? 'cancellation' : 'retry'} of run ${id} requested\n`);
    return 0;
  });

export const runCancelCommand: Command = { summary: 'cancel a run', run: control('cancelRun', 'id') };
export const runRetryCommand: Command = {
  summary: 'queue the failed tasks of a run again',
  run: control('retryFailedTasks', 'runId'),
};

export const runExportCommand: Command = {
  summary: "download a run's results CSV: run export <run-id> --out FILE.csv",
  run: guarded(async (args) => {
    const { values, positionals } = parseArgs({
      args,
      options: { out: { type: 'string' } },
      allowPositionals: true,
    });
    const id = idArgument(positionals, 'usage: conveyor run export <run-id> --out FILE.csv');
    if (!values.out) throw new UsageError('--out FILE.csv is required');
    const gateway = client();
    const token = gatewayTokenFromEnv();
    const response = await fetch(new URL(`/runs/${id}/results.csv`, gateway.baseUrl), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }).catch((error: unknown) => {
      throw new GatewayError(`cannot reach the gateway: ${(error as Error).message}`);
    });
    if (!response.ok || !response.body)
      throw new GatewayError(`export failed: HTTP ${response.status} ${await response.text()}`);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(values.out));
    process.stdout.write(`wrote ${values.out}\n`);
    return 0;
  }),
};
