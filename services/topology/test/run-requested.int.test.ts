// The topology service's handler against a real test database: a source over a limit ends in
// topology.failed naming the limit and its setting, before anything is generated or read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createTestDatabase } from '@conveyor/db/testing';
import { getSelectionHashes } from '@conveyor/db';
import { buildTopology, generateSynthetic, selectionHashes } from '@conveyor/grid';
import { createEvent, type ConveyorEvent } from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import { handleRunRequested } from '../src/handlers/run-requested.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'topology-limits-'));
});
afterAll(async () => {
  await database?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Handles a run.requested for `topologySource`; resolves with what the handler published. */
async function request(
  topologySource: string,
  limits = { maxNodes: 1_000_000, maxBytes: 256 * 1024 * 1024 },
  options: { reuse?: boolean; bundleSize?: number } = {},
) {
  const published: ConveyorEvent[] = [];
  const event = createEvent('run.requested', {
    runId: uuidv4(),
    producer: 'test',
    data: {
      window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
      chunk: 'month',
      selections: null,
      topologySource,
      calculation: 'grid-load',
      requestedBy: 'test',
      ...options,
    },
  });
  await handleRunRequested(event, {
    db: database.db,
    publishEvent: async (event) => void published.push(event),
    topologyDir: dir,
    limits,
    logger: createLogger({ service: 'topology-test', level: 'silent' }),
    now: () => new Date(),
  });
  return published;
}

describe('run.requested', () => {
  it('fails a synthetic topology of 10⁹ nodes, naming the count and MAX_TOPOLOGY_NODES', async () => {
    const [failed, ...rest] = await request('synthetic:substations=10000&nodes=100000&seed=1');
    expect(rest).toEqual([]);
    expect(failed).toMatchObject({
      type: 'topology.failed',
      data: {
        reason:
          'topology synthetic:substations=10000&nodes=100000&seed=1 is too large: 10000 substations × ' +
          '100000 nodes has 1,000,000,000 nodes, over the limit of 1,000,000 (MAX_TOPOLOGY_NODES)',
      },
    });
  });

  it('fails a file over MAX_TOPOLOGY_BYTES before reading it, and builds one within it', async () => {
    const text = JSON.stringify(generateSynthetic({ substations: 2, nodes: 5, seed: 3 }));
    await writeFile(join(dir, 'grid.json'), text);
    const [failed] = await request('file:grid.json', { maxNodes: 1_000_000, maxBytes: 100 });
    expect(failed).toMatchObject({ type: 'topology.failed' });
    expect(failed?.type === 'topology.failed' && failed.data.reason).toMatch(
      /^topology file:grid\.json is too large: grid\.json has [\d,]+ bytes, over the limit of 100 \(MAX_TOPOLOGY_BYTES\)$/,
    );
    const [built] = await request('file:grid.json');
    expect(built).toMatchObject({ type: 'topology.built', data: { nodeCount: 10, selections: ['1', '2'] } });
  });

  it('takes the stored snapshot of a synthetic source built before instead of generating it again', async () => {
    const source = 'synthetic:substations=3&nodes=7&seed=11';
    const [first] = await request(source);
    expect(first).toMatchObject({
      type: 'topology.built',
      data: { nodeCount: 21, selections: ['1', '2', '3'] },
    });
    // Mark the stored row: a second build that read it says so; one that generated again would not.
    await database.pool.query(`UPDATE topologies SET selections = '["marked"]' WHERE source_key = ?`, [
      'synthetic:substations=3&nodes=7&seed=11',
    ]);
    const [second] = await request('synthetic:seed=11&nodes=7&substations=3');
    expect(second).toMatchObject({ type: 'topology.built', data: { selections: ['marked'], nodeCount: 21 } });
    expect(
      second?.type === 'topology.built' && first?.type === 'topology.built' && second.data.topologyId,
    ).toBe(first?.type === 'topology.built' && first.data.topologyId);
  });

  it('takes the stored snapshot of a file with the same bytes, and builds a changed file again', async () => {
    const text = JSON.stringify(generateSynthetic({ substations: 2, nodes: 4, seed: 9 }));
    await writeFile(join(dir, 'same.json'), text);
    const [first] = await request('file:same.json');
    expect(first).toMatchObject({ type: 'topology.built', data: { selections: ['1', '2'] } });
    const [row] = (await database.pool.query('SELECT source_key FROM topologies WHERE source = ?', [
      'file:same.json',
    ])) as unknown as [{ source_key: string }[]];
    await database.pool.query(`UPDATE topologies SET selections = '["marked"]' WHERE source_key = ?`, [
      row[0]!.source_key,
    ]);
    await writeFile(join(dir, 'copy.json'), text);
    const [copy] = await request('file:copy.json');
    expect(copy).toMatchObject({ type: 'topology.built', data: { selections: ['marked'] } });
    // Other bytes are another source: built (and here refused) again.
    await writeFile(join(dir, 'same.json'), text.replace('"capacityKw":', '"capacityKw":-'));
    const [changed] = await request('file:same.json');
    expect(changed).toMatchObject({ type: 'topology.failed' });
  });

  it('stores each selection hash with a new snapshot and carries reuse to topology.built', async () => {
    const json = generateSynthetic({ substations: 3, nodes: 6, seed: 21 });
    await writeFile(join(dir, 'hashed.json'), JSON.stringify(json));
    const [built] = await request('file:hashed.json', undefined, { reuse: true });
    expect(built).toMatchObject({ type: 'topology.built', data: { request: { reuse: true } } });
    const topologyId = built?.type === 'topology.built' ? built.data.topologyId : '';
    const stored = await getSelectionHashes(database.db, topologyId);
    const topology = buildTopology(json);
    expect(topology.ok && stored).toEqual(topology.ok && selectionHashes(topology.topology));
    const [plain] = await request('file:hashed.json');
    expect(plain?.type === 'topology.built' && plain.data.request.reuse).toBeUndefined();
  });

  it('carries the request’s bundleSize to topology.built, and none when the request has none', async () => {
    const source = 'synthetic:substations=2&nodes=4&seed=5';
    const [bundled] = await request(source, undefined, { bundleSize: 50 });
    expect(bundled).toMatchObject({ type: 'topology.built', data: { request: { bundleSize: 50 } } });
    const [plain] = await request(source);
    expect(plain?.type === 'topology.built' && plain.data.request.bundleSize).toBeUndefined();
  });
});
