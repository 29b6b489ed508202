import { describe, expect, it } from 'vitest';
import { buildTopology } from './build-topology.js';
import { createGridLoadThread, shareTopology, type GridLoadThreadTask } from './grid-load-thread.js';
import { calculateTaskPartition, compileSelection } from './kernel.js';
import { decodePartition, encodePartition } from './partition.js';
import { partitionStats } from './partition-stats.js';
import { generateSynthetic } from './synthetic.js';

const json = generateSynthetic({ substations: 3, nodes: 40, seed: 5 });
const window = { startDate: '2023-01-01 00:00', endDate: '2023-01-31 23:59' };
const task = (selection: string, topology = shareTopology(json), topologyId = 't1'): GridLoadThreadTask => ({
  topologyId,
  topology,
  selection,
  ...window,
});

describe('the grid-load thread handler', () => {
  it("returns the encoded partition and stats that the main thread's kernel gives", () => {
    const built = buildTopology(json);
    if (!built.ok) throw new Error('invalid synthetic topology');
    const expected = calculateTaskPartition(
      compileSelection(built.topology, '2'),
      window.startDate,
      window.endDate,
    );
    const result = createGridLoadThread()(task('2'));
    if (!result.ok) throw new Error(result.message);
    expect(result.data).toEqual(encodePartition(expected.partition));
    expect(result.data.byteOffset).toBe(0); // the whole buffer is the partition: it can be transferred as is
    expect(result.data.buffer.byteLength).toBe(result.data.length);
    expect(result.rowCount).toBe(40);
    expect(result.stats).toEqual(partitionStats(expected.partition, expected.summary));
    expect(decodePartition(result.data).selection).toBe('2');
  });

  it('parses a topology once per id, and again once it has been evicted', () => {
    const run = createGridLoadThread({ maxTopologies: 1 });
    expect(run(task('1')).ok).toBe(true);
    // Same id, garbage bytes: the cached topology is used, so the bytes are not read again.
    expect(run(task('3', new SharedArrayBuffer(8))).ok).toBe(true);
    expect(run(task('1', shareTopology(json), 't2')).ok).toBe(true); // evicts t1
    expect(run(task('1', new SharedArrayBuffer(8)))).toEqual({
      ok: false,
      permanent: true,
      message: expect.stringMatching(/^stored topology t1 is invalid: .*JSON/),
    });
  });

  it('reports what can never succeed as permanent, with the reason', () => {
    const run = createGridLoadThread();
    expect(run(task('99'))).toEqual({
      ok: false,
      permanent: true,
      message: 'selection 99 is not a substation of the topology',
    });
    const invalid = { ...json, cables: json.cables.slice(1) };
    expect(run(task('1', shareTopology(invalid), 'bad'))).toEqual({
      ok: false,
      permanent: true,
      message: expect.stringMatching(/^stored topology is invalid: /),
    });
  });
});
