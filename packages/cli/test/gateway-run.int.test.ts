import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { monolithCsv, runCli } from './support/results.js';

const topology = 'synthetic:substations=4&nodes=40&seed=11';
let pipeline: TestPipeline;
let gatewayUrl: string;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 2,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: { GATEWAY_PORT: String(port) },
  });
}, 120_000);

afterAll(async () => {
  await pipeline.close();
}, 60_000);

const cli = (args: string[]) => runCli(args, { ...pipeline.env, GATEWAY_URL: gatewayUrl });

type Progress = { status: string; total: number; finished: number; percent: number };

function followOverWebSocket(runId: string): Promise<Progress[]> {
  const client = createClient({
    url: `${gatewayUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
  });
  const seen: Progress[] = [];
  return new Promise<Progress[]>((resolve, reject) => {
    client.subscribe<{ runProgress: Progress }>(
      {
        query: 'subscription($id: ID!) { runProgress(runId: $id) { status total finished percent } }',
        variables: { id: runId },
      },
      {
        next: ({ data }) => data && seen.push(data.runProgress),
        error: reject,
        complete: () => {
          void client.dispose();
          resolve(seen);
        },
      },
    );
  });
}

describe('a run through the gateway', () => {
  it("starts with `run start --json`, is followed over SSE and WebSocket to SUCCEEDED, and exports the monolith's CSV", async () => {
    const window = { from: '2023-01-01 00:00', to: '2023-02-28 23:59' };
    const started = await cli([
      'run',
      'start',
      '--topology',
      topology,
      '--from',
      window.from,
      '--to',
      window.to,
      '--chunk',
      'month',
      '--json',
    ]);
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);

    const [ws, follow] = await Promise.all([followOverWebSocket(runId), cli(['run', 'follow', runId])]);
    expect(follow.stderr).toContain(`run ${runId}: SUCCEEDED`);
    expect(ws.at(-1)).toMatchObject({ status: 'SUCCEEDED', total: 8, finished: 8, percent: 100 });

    // a late subscriber gets the current (final) state first, then the stream completes
    const late = await followOverWebSocket(runId);
    expect(late).toEqual([expect.objectContaining({ status: 'SUCCEEDED', percent: 100 })]);

    const out = join(await mkdtemp(join(tmpdir(), 'conveyor-export-')), 'run.csv');
    await cli(['run', 'export', runId, '--out', out]);
    expect(await readFile(out, 'utf8')).toBe(await monolithCsv({ topology, ...window, chunk: 'month' }));

    const shown = await cli(['run', 'show', runId, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: runId,
      status: 'SUCCEEDED',
      counts: { total: 8, finished: 8 },
    });
    expect((await cli(['run', 'list'])).stdout).toContain(runId);
  });

  it('refuses bad arguments with exit code 2 and typed errors with exit code 1', async () => {
    await expect(
      cli(['run', 'start', '--topology', topology, '--from', '2023-01-01', '--to', '2023-01-02 00:00']),
    ).rejects.toMatchObject({ code: 2 });
    await expect(cli(['run', 'cancel', '00000000-0000-4000-8000-000000000000'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('RunNotFoundError') as string,
    });
  });
});
