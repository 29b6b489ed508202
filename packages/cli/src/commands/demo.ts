import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { migrate } from '@conveyor/db';
import { redactUrl } from '@conveyor/runtime';
import { isListening } from '@conveyor/runtime/testing';
import { provideDemoServices } from '../demo/services.js';
import {
  amqpUrlFromEnv,
  databaseUrlFromEnv,
  gatewayPortFromEnv,
  gatewayTokenFromEnv,
  inheritedEnv,
} from '../environment.js';
import { createGatewayClient } from '../gateway-client.js';
import type { Command } from '../registry.js';
import { createLinePrinter } from '../stack/line-printer.js';
import { freePort } from '../stack/processes.js';
import { startStack } from '../stack/stack.js';
import { followRun } from './run-commands.js';

const REQUEST = {
  topologySource: 'synthetic:substations=24&nodes=400&seed=7',
  from: '2023-01-01 00:00',
  to: '2023-03-31 23:59',
  chunk: 'MONTH',
};

export const demoCommand: Command = {
  summary:
    'migrate, start the stack with 2 workers, run a quarter of 2023 on 24 substations, follow it, stop',
  run: async () => {
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const services = await provideDemoServices(
      { databaseUrl: databaseUrlFromEnv(), amqpUrl: amqpUrlFromEnv() },
      say,
    );
    if (!services.ok) {
      process.stderr.write(`conveyor demo cannot start:\n${services.problems.join('\n')}\n`);
      return 1;
    }
    try {
      return await runDemo(services.databaseUrl, services.amqpUrl, say);
    } finally {
      await services.stop();
    }
  },
};

/** Migrates, starts the stack, runs and follows the demo run, exports it, prints the summary, stops. */
async function runDemo(databaseUrl: string, amqpUrl: string, say: (line: string) => void): Promise<number> {
  say(`migrating ${redactUrl(databaseUrl)}`);
  await migrate(databaseUrl);
  const wanted = gatewayPortFromEnv();
  const port = (await isListening('127.0.0.1', wanted)) ? await freePort() : wanted;
  const gatewayUrl = `http://127.0.0.1:${port}`;
  say('starting topology, leader, poller, gateway and 2 workers…');
  const env = inheritedEnv();
  const stack = await startStack({
    env: {
      ...env,
      DATABASE_URL: databaseUrl,
      AMQP_URL: amqpUrl,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    },
    workers: 2,
    onLine: createLinePrinter(process.stderr),
  });
  try {
    const gateway = createGatewayClient({ url: gatewayUrl, token: gatewayTokenFromEnv() });
    say(`dashboard and GraphQL: ${gatewayUrl}/ and ${gatewayUrl}/graphql`);
    const { startRun } = await gateway.request<{ startRun: { run?: { id: string }; message?: string } }>(
      'mutation($input: StartRunInput!) { startRun(input: $input) { ... on StartRunSuccess { run { id } } ... on Error { message } } }',
      { input: REQUEST },
    );
    if (!startRun.run) throw new Error(`the gateway refused the demo run: ${startRun.message}`);
    const runId = startRun.run.id;
    say(`run ${runId}: ${REQUEST.topologySource}, ${REQUEST.from} → ${REQUEST.to}, monthly chunks`);
    const status = await followRun(gateway, runId);

    const { run } = await gateway.request<{
      run: {
        durationMs: number | null;
        reason: string | null;
        counts: Record<string, number>;
        resultSummary: { rows: number; overloadedCables: number; maxUtilization: number | null };
      };
    }>(
      'query($id: ID!) { run(id: $id) { durationMs reason counts { total finished failed cancelled } resultSummary { rows overloadedCables maxUtilization } } }',
      { id: runId },
    );
    await mkdir('out', { recursive: true });
    const csvPath = resolve('out', `demo-${runId}.csv`);
    // With the token, as every export needs it when GATEWAY_TOKEN is set.
    const response = await gateway.get(`/runs/${runId}/results.csv`);
    if (!response.ok || !response.body) throw new Error(`export failed: HTTP ${response.status}`);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(csvPath));

    say('');
    say(`run ${runId}: ${status}${run.reason ? ` (${run.reason})` : ''}`);
    say(
      `  tasks:             ${run.counts.finished} finished, ${run.counts.failed} failed, ${run.counts.cancelled} cancelled of ${run.counts.total}`,
    );
    say(`  duration:          ${((run.durationMs ?? NaN) / 1000).toFixed(1)} s`);
    say(
      `  results:           ${run.resultSummary.rows} cable rows, ${run.resultSummary.overloadedCables} distinct cables overloaded`,
    );
    say(`  max utilization:   ${run.resultSummary.maxUtilization?.toFixed(3) ?? '—'}`);
    say(`  results CSV:       ${csvPath}`);
    say(`  dashboard:         ${gatewayUrl}/ (while a stack runs: pnpm stack)`);
    return status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    say('stopping the stack…');
    await stack.stop();
  }
}
