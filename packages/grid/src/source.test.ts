import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopologySource, parseSource, TopologyTooLargeError } from './source.js';
import { generateSynthetic } from './synthetic.js';

const limits = { maxNodes: 1_000_000, maxBytes: 256 * 1024 * 1024 };

describe('synthetic parameters', () => {
  it.each([
    ['synthetic:nodes=3&seed=4', /without substations \(a whole number from 1 to 10000\)/],
    ['synthetic:substations=2&substations=3&nodes=3&seed=4', /substations is given 2 times/],
    ['synthetic:substations=&nodes=3&seed=4', /substations must be a whole number from 1 to 10000, got ""/],
    ['synthetic:substations=1e3&nodes=3&seed=4', /got "1e3"/],
    ['synthetic:substations=0x10&nodes=3&seed=4', /got "0x10"/],
    ['synthetic:substations=2&nodes=100001&seed=4', /nodes must be a whole number from 1 to 100000/],
    ['synthetic:substations=2&nodes=3&seed=-1', /seed must be a whole number from 0 to 4294967295/],
  ])('refuses %s with a message naming the parameter', (source, message) => {
    expect(() => parseSource(source)).toThrow(message);
  });
});

describe('topology limits', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grid-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuse a synthetic source of 10⁹ nodes before generating it, naming the count and the limit', async () => {
    const refused = loadTopologySource('synthetic:substations=10000&nodes=100000&seed=1', { limits });
    await expect(refused).rejects.toThrow(TopologyTooLargeError);
    await expect(refused).rejects.toMatchObject({
      limit: 'maxNodes',
      message: '10000 substations × 100000 nodes has 1,000,000,000 nodes, over the limit of 1,000,000',
    });
  });

  it('accept a synthetic source at the limit', async () => {
    const json = await loadTopologySource('synthetic:substations=2&nodes=5&seed=1', {
      limits: { ...limits, maxNodes: 10 },
    });
    expect(json.nodes).toHaveLength(10);
  });

  it('refuse a file larger than the byte limit before reading it', async () => {
    const text = JSON.stringify(generateSynthetic({ substations: 1, nodes: 20, seed: 1 }));
    await writeFile(join(dir, 'grid.json'), text);
    const refused = loadTopologySource('file:grid.json', {
      baseDir: dir,
      limits: { ...limits, maxBytes: text.length - 1 },
    });
    await expect(refused).rejects.toMatchObject({
      name: 'TopologyTooLargeError',
      limit: 'maxBytes',
      message: `grid.json has ${text.length.toLocaleString('en-US')} bytes, over the limit of ${(text.length - 1).toLocaleString('en-US')}`,
    });
    const loaded = await loadTopologySource('file:grid.json', {
      baseDir: dir,
      limits: { ...limits, maxBytes: text.length },
    });
    expect(loaded.nodes).toHaveLength(20);
  });

  it('refuse a file with more nodes than the limit before building it', async () => {
    await writeFile(
      join(dir, 'many.json'),
      JSON.stringify(generateSynthetic({ substations: 2, nodes: 6, seed: 1 })),
    );
    await expect(
      loadTopologySource('file:many.json', { baseDir: dir, limits: { ...limits, maxNodes: 11 } }),
    ).rejects.toMatchObject({ limit: 'maxNodes', message: 'many.json has 12 nodes, over the limit of 11' });
  });
});
