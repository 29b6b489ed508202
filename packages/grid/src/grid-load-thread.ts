import { buildTopology, formatProblems, type BuiltTopology } from './build-topology.js';
import { calculateTaskPartition, compileSelection, type CompiledSelection } from './kernel.js';
import { encodePartition, InvalidPartitionError } from './partition.js';
import { partitionStats, type PartitionStats } from './partition-stats.js';
import { parseTopology, TopologyFormatError } from './topology-format.js';

/** One grid-load task as a worker thread receives it. */
export type GridLoadThreadTask = {
  topologyId: string;
  /**
   * The topology JSON as UTF-8 in shared memory (`shareTopology`): posting it to a thread copies
   * nothing, and each thread parses and builds it once per topology id.
   */
  topology: SharedArrayBuffer;
  selection: string;
  startDate: string;
  endDate: string;
};

/** What a thread sends back: the encoded partition (its buffer transferred, not copied) and its stats. */
export type GridLoadThreadResult =
  | {
      ok: true;
      data: Uint8Array;
      rowCount: number;
      stats: PartitionStats;
      timings: { loadMs: number; calculateMs: number; encodeMs: number }; // ms
    }
  /** The task can never succeed (invalid topology, unknown selection, rows the encoding refuses). */
  | { ok: false; permanent: true; message: string };

/** The topology JSON in shared memory, once per topology in the main thread, for every task of it. */
export function shareTopology(json: unknown): SharedArrayBuffer {
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}

type Loaded = { topology: BuiltTopology; compiled: Map<string, CompiledSelection> };

class PermanentTaskError extends Error {}

/**
 * The task handler of a worker thread, with its own cache of built topologies (the `maxTopologies`
 * used last) and compiled selections. Pure computation: the main thread does all I/O.
 */
export function createGridLoadThread(options: { maxTopologies?: number } = {}) {
  const maxTopologies = options.maxTopologies ?? 2;
  const cache = new Map<string, Loaded>();

  const load = (task: GridLoadThreadTask): Loaded => {
    const cached = cache.get(task.topologyId);
    if (cached) {
      cache.delete(task.topologyId); // re-inserted below: Map order is the LRU order
      cache.set(task.topologyId, cached);
      return cached;
    }
    let built: ReturnType<typeof buildTopology>;
    try {
      // TextDecoder cannot read shared memory directly: copy it into this thread first.
      const text = new TextDecoder().decode(new Uint8Array(task.topology).slice());
      built = buildTopology(parseTopology(JSON.parse(text)));
    } catch (error) {
      if (error instanceof TopologyFormatError || error instanceof SyntaxError)
        throw new PermanentTaskError(`stored topology ${task.topologyId} is invalid: ${error.message}`);
      throw error;
    }
    if (!built.ok)
      throw new PermanentTaskError(`stored topology is invalid: ${formatProblems(built.problems)}`);
    const loaded = { topology: built.topology, compiled: new Map<string, CompiledSelection>() };
    cache.set(task.topologyId, loaded);
    for (const id of cache.keys()) if (cache.size > maxTopologies) cache.delete(id);
    return loaded;
  };

  const compiledSelection = (loaded: Loaded, selection: string): CompiledSelection => {
    let compiled = loaded.compiled.get(selection);
    if (!compiled) {
      if (!loaded.topology.substations.some((s) => s.id === selection))
        throw new PermanentTaskError(`selection ${selection} is not a substation of the topology`);
      compiled = compileSelection(loaded.topology, selection);
      loaded.compiled.set(selection, compiled);
    }
    return compiled;
  };

  return (task: GridLoadThreadTask): GridLoadThreadResult => {
    try {
      const t0 = performance.now();
      const compiled = compiledSelection(load(task), task.selection);
      const t1 = performance.now();
      const { partition, summary } = calculateTaskPartition(compiled, task.startDate, task.endDate);
      const t2 = performance.now();
      const data = encodePartition(partition);
      const t3 = performance.now();
      return {
        ok: true,
        data,
        rowCount: partition.cableIds.length,
        stats: partitionStats(partition, summary),
        timings: { loadMs: t1 - t0, calculateMs: t2 - t1, encodeMs: t3 - t2 },
      };
    } catch (error) {
      if (error instanceof PermanentTaskError || error instanceof InvalidPartitionError)
        return { ok: false, permanent: true, message: error.message };
      throw error;
    }
  };
}
