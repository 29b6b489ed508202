import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { calculateTask, compileSelection } from './kernel.js';
import { contentHash, loadTopologySource, parseSource } from './source.js';
import { generateSynthetic } from './synthetic.js';

describe('generateSynthetic', () => {
  it('is deterministic: same parameters, same JSON, same content hash', () => {
    const a = generateSynthetic({ substations: 3, nodes: 50, seed: 7 });
    const b = generateSynthetic({ substations: 3, nodes: 50, seed: 7 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(contentHash(b)).toBe(contentHash(a));
    expect(contentHash(generateSynthetic({ substations: 3, nodes: 50, seed: 8 }))).not.toBe(contentHash(a));
  });

  it('builds a valid grid with substations 1…N, both profiles, some PV and a few overloaded cables', () => {
    const json = generateSynthetic({ substations: 4, nodes: 200, seed: 7 });
    expect(json.substations.map((s) => s.id)).toEqual(['1', '2', '3', '4']);
    const built = buildTopology(json);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    for (const substation of built.topology.substations) {
      const feeders = substation.nodes.filter((n) => n.parent === null).length;
      expect(feeders).toBeGreaterThanOrEqual(3);
      const childCounts = new Map<string, number>();
      for (const n of substation.nodes)
        if (n.parent) childCounts.set(n.parent, (childCounts.get(n.parent) ?? 0) + 1);
      expect(Math.max(...childCounts.values())).toBeGreaterThanOrEqual(2); // feeders branch
    }
    const profiles = new Set(json.nodes.map((n) => n.profile));
    expect(profiles).toEqual(new Set(['residential', 'commercial']));
    const withPv = json.nodes.filter((n) => n.pvKwp > 0).length;
    expect(withPv).toBeGreaterThan(json.nodes.length * 0.1);
    expect(withPv).toBeLessThan(json.nodes.length * 0.5);
    const { summary } = calculateTask(
      compileSelection(built.topology, '1'),
      '2023-01-01 00:00',
      '2023-01-31 23:59',
    );
    expect(summary.overloadedCables).toBeGreaterThan(0);
    expect(summary.overloadedCables).toBeLessThan(summary.cables * 0.3);
  });
});

describe('topology sources', () => {
  it('parses synthetic parameters and rejects anything else with a clear message', () => {
    expect(parseSource('synthetic:substations=2&nodes=3&seed=4')).toEqual({
      kind: 'synthetic',
      params: { substations: 2, nodes: 3, seed: 4 },
    });
    expect(() => parseSource('synthetic:substations=2&nodes=3&seed=4&size=9')).toThrow(
      /unknown synthetic parameters: size/,
    );
    expect(() => parseSource('synthetic:substations=0&nodes=3&seed=4')).toThrow(/substations must be/);
    expect(() => parseSource('http://example.com/t.json')).toThrow(/expected file:PATH or synthetic:/);
  });

  it('reads a file: source inside the topology directory, and names what is wrong with a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grid-source-'));
    try {
      const json = generateSynthetic({ substations: 1, nodes: 3, seed: 1 });
      await writeFile(join(dir, 'grid.json'), JSON.stringify(json));
      await writeFile(join(dir, 'broken.json'), '{"version": 1,');
      await writeFile(join(dir, 'shape.json'), JSON.stringify({ ...json, cables: [{ id: 'c' }] }));
      const loaded = await loadTopologySource('file:grid.json', { baseDir: dir });
      expect(contentHash(loaded)).toBe(contentHash(json));
      await expect(loadTopologySource('file:broken.json', { baseDir: dir })).rejects.toThrow(
        /broken.json is not valid JSON/,
      );
      await expect(loadTopologySource('file:shape.json', { baseDir: dir })).rejects.toThrow(
        /cables\[0\]\.from: expected a non-empty string/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('hashes content, not key order', () => {
    const json = generateSynthetic({ substations: 1, nodes: 3, seed: 1 });
    const reordered = {
      cables: json.cables,
      nodes: json.nodes,
      substations: json.substations,
      version: 1 as const,
    };
    expect(contentHash(reordered)).toBe(contentHash(json));
  });

  it('refuses a file path that escapes the topology directory', async () => {
    await expect(loadTopologySource('file:../../etc/passwd', { baseDir: '/tmp/topologies' })).rejects.toThrow(
      /outside the topology directory/,
    );
  });
});
