// `compareRuns` and `conveyor run diff` through the real stack: two runs over topologies that differ
// in one cable's capacity report exactly that cable's changes, in each window piece of its selection.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSynthetic } from '@conveyor/grid';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { runCli, startRunAndFollow } from './support/results.js';

const window = { from: '2023-01-01 00:00', to: '2023-02-28 23:59' };
const original = generateSynthetic({ substations: 3, nodes: 30, seed: 5 });
// Substation 2's fourth cable at a quarter of its capacity: its utilization is four times as high.
const cable = original.cables.find((c) => c.id === 's2-c4')!;
const changed = {
  ...original,
  cables: original.cables.map((c) => (c === cable ? { ...c, capacityKw: c.capacityKw / 4 } : c)),
};
let pipeline: TestPipeline;
let gatewayUrl: string;

beforeAll(async () => {
  const topologyDir = await mkdtemp(join(tmpdir(), 'conveyor-compare-'));
  await writeFile(join(topologyDir, 'a.json'), JSON.stringify(original));
  await writeFile(join(topologyDir, 'b.json'), JSON.stringify(changed));
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 1,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: { GATEWAY_PORT: String(port), TOPOLOGY_DIR: topologyDir },
  });
}, 120_000);

afterAll(async () => {
  await pipeline.close();
}, 60_000);

const cli = (args: string[]) => runCli(args, { ...pipeline.env, GATEWAY_URL: gatewayUrl });

const finishedRun = (topology: string) =>
  startRunAndFollow({ ...pipeline.env, GATEWAY_URL: gatewayUrl }, [
    '--topology',
    topology,
    '--from',
    window.from,
    '--to',
    window.to,
  ]);

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const COMPARE = `query($a: ID!, $b: ID!) { compareRuns(a: $a, b: $b) {
  __typename ... on Error { field message }
  ... on RunComparison {
    a { id } b { id }
    summary { cellsCompared cellsChanged cellsUnchanged changeCount onlyInACount onlyInBCount
      newlyOverloaded noLongerOverloaded largestChanges { elementId } }
    changes(first: 50) { nodes { selection from elementId peakKwChange utilizationChange overloadedIntervalsChange
      a { capacityKw peakKw utilization overloadedIntervals } b { capacityKw peakKw utilization overloadedIntervals } }
      pageInfo { hasNextPage } } } } }`;

type Figures = { capacityKw: number; peakKw: number; utilization: number; overloadedIntervals: number };
type Compared = {
  compareRuns: {
    __typename: string;
    field?: string;
    summary: Record<string, unknown> & { largestChanges: { elementId: string }[]; newlyOverloaded: string[] };
    changes: {
      nodes: {
        selection: string;
        from: string;
        elementId: string;
        peakKwChange: number;
        utilizationChange: number;
        overloadedIntervalsChange: number;
        a: Figures;
        b: Figures;
      }[];
      pageInfo: { hasNextPage: boolean };
    };
  };
};

describe('compareRuns', () => {
  let runA: string;
  let runB: string;

  beforeAll(async () => {
    runA = await finishedRun('file:a.json');
    runB = await finishedRun('file:b.json');
  }, 180_000);

  it("reports exactly the changed cable's changes, in both window pieces of its selection", async () => {
    const { compareRuns } = await graphql<Compared>(COMPARE, { a: runA, b: runB });
    expect(compareRuns.__typename).toBe('RunComparison');
    expect(compareRuns.changes.nodes.map((c) => [c.selection, c.from, c.elementId])).toEqual([
      ['2', '2023-01-01 00:00', cable.id],
      ['2', '2023-02-01 00:00', cable.id],
    ]);
    expect(compareRuns.changes.pageInfo.hasNextPage).toBe(false);
    for (const change of compareRuns.changes.nodes) {
      expect(change.a.capacityKw).toBe(cable.capacityKw);
      expect(change.b.capacityKw).toBe(cable.capacityKw / 4);
      expect(change.b.peakKw).toBe(change.a.peakKw);
      expect(change.peakKwChange).toBe(0);
      expect(change.utilizationChange).toBeCloseTo(3 * change.a.utilization, 9);
      expect(change.overloadedIntervalsChange).toBe(
        change.b.overloadedIntervals - change.a.overloadedIntervals,
      );
    }
    const wasOverloaded = compareRuns.changes.nodes.some((c) => c.a.overloadedIntervals > 0);
    const isOverloaded = compareRuns.changes.nodes.some((c) => c.b.overloadedIntervals > 0);
    expect(compareRuns.summary).toEqual({
      cellsCompared: 6,
      cellsChanged: 2,
      cellsUnchanged: 4,
      changeCount: 2,
      onlyInACount: 0,
      onlyInBCount: 0,
      newlyOverloaded: isOverloaded && !wasOverloaded ? [cable.id] : [],
      noLongerOverloaded: [],
      largestChanges: [{ elementId: cable.id }, { elementId: cable.id }],
    });
  });

  it('finds nothing between a run and itself, and refuses an unknown run with a typed error', async () => {
    const same = await graphql<Compared>(COMPARE, { a: runA, b: runA });
    expect(same.compareRuns.summary).toMatchObject({ cellsCompared: 6, cellsChanged: 0, changeCount: 0 });
    const unknown = await graphql<Compared>(COMPARE, { a: runA, b: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.compareRuns).toMatchObject({ __typename: 'RunNotFoundError', field: 'b' });
  });

  it('run diff prints the table and the JSON of the same comparison', async () => {
    const text = await cli(['run', 'diff', runA, runB, '--format', 'text']);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`run ${runA} → run ${runB}`);
    expect(lines).toContain('  changes      2 element change(s)');
    const rows = lines.filter((line) => line.startsWith('2 '));
    expect(rows.map((line) => line.split(/\s+/).slice(0, 4))).toEqual([
      ['2', '2023-01-01', '00:00', cable.id],
      ['2', '2023-02-01', '00:00', cable.id],
    ]);
    const json = JSON.parse((await cli(['run', 'diff', runA, runB, '--json'])).stdout) as {
      a: string;
      summary: { changeCount: number };
      changes: { nodes: { elementId: string }[] };
    };
    expect(json).toMatchObject({ a: runA, b: runB, summary: { changeCount: 2, cellsChanged: 2 } });
    expect(json.changes.nodes.map((c) => c.elementId)).toEqual([cable.id, cable.id]);
    await expect(cli(['run', 'diff', runA, 'no-such-run'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('RunNotFoundError') as string,
    });
  });
});
