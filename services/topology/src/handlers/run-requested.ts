import {
  buildTopology,
  contentHash,
  loadTopologySource,
  selectionHashes,
  selectionsOf,
  topologySourceKey,
  TopologyTooLargeError,
  type TopologyLimits,
} from '@conveyor/grid';
import { findTopologyBySource, saveTopology, type Database } from '@conveyor/db';
import {
  createEvent,
  eventIdFor,
  listProblems,
  PermanentError,
  truncateText,
  type ConveyorEvent,
  type EventOf,
} from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

export type RunRequestedDeps = {
  db: Database;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  topologyDir: string;
  /** MAX_TOPOLOGY_NODES and MAX_TOPOLOGY_BYTES: a larger source fails before it is generated or read. */
  limits: TopologyLimits;
  logger: Logger;
  now: () => Date;
};

/** The setting behind each limit, named in the reason so that an operator knows what to raise. */
const LIMIT_VARIABLES: Record<keyof TopologyLimits, string> = {
  maxNodes: 'MAX_TOPOLOGY_NODES',
  maxBytes: 'MAX_TOPOLOGY_BYTES',
};

/** The reason a user reads when a source cannot be loaded. */
function loadFailure(source: string, error: unknown): string {
  if (error instanceof TopologyTooLargeError)
    return `topology ${source} is too large: ${error.message} (${LIMIT_VARIABLES[error.limit]})`;
  return `cannot load topology ${source}: ${(error as Error).message}`;
}

type Built = { topologyId: string; contentHash: string; selections: string[]; nodeCount: number };

/**
 * Loads, validates and stores the topology of a requested run, then publishes `topology.built`
 * or `topology.failed` with a reason a user can act on. A source built before (the same synthetic
 * parameters, or a file with the same bytes: `topologySourceKey`) is not generated, validated and
 * hashed again: its stored snapshot is taken. A new snapshot is stored with the content hash of each
 * selection's own part (`selectionHashes`), which `reuse` compares. Event ids are derived from the run, so a redelivered
 * request publishes the same events and the event store keeps one of each.
 */
export async function handleRunRequested(
  event: EventOf<'run.requested'>,
  deps: RunRequestedDeps,
): Promise<void> {
  const { runId } = event;
  const source = event.data.topologySource;
  const started = performance.now();
  const fail = (reason: string) =>
    deps.publishEvent(
      createEvent('topology.failed', {
        id: eventIdFor(runId, 'topology.failed'),
        runId,
        producer: 'topology',
        data: { reason: truncateText(reason) },
        now: deps.now(),
      }),
    );
  const publishBuilt = async (built: Built, reused: boolean) => {
    const buildMs = performance.now() - started;
    deps.logger.info(
      { runId, topologyId: built.topologyId, nodes: built.nodeCount, buildMs, reused },
      'topology built',
    );
    const { topologyId, contentHash, selections, nodeCount } = built;
    let builtEvent;
    try {
      builtEvent = createEvent('topology.built', {
        id: eventIdFor(runId, 'topology.built'),
        runId,
        producer: 'topology',
        data: {
          topologyId,
          contentHash,
          selections,
          nodeCount,
          buildMs,
          request: {
            window: event.data.window,
            chunk: event.data.chunk,
            selections: event.data.selections,
            calculation: event.data.calculation,
            ...(event.data.reuse ? { reuse: true } : {}),
            ...(event.data.bundleSize ? { bundleSize: event.data.bundleSize } : {}),
          },
        },
        now: deps.now(),
      });
    } catch (error) {
      // Over 1 MiB (some hundred thousand selections): no consumer would take it, the run fails instead.
      if (error instanceof PermanentError)
        return fail(`topology ${source} cannot be planned: ${error.message}`);
      throw error;
    }
    await deps.publishEvent(builtEvent);
  };

  const options = { baseDir: deps.topologyDir, limits: deps.limits };
  let sourceKey: string;
  try {
    sourceKey = await topologySourceKey(source, options);
  } catch (error) {
    return fail(loadFailure(source, error));
  }
  const stored = await findTopologyBySource(deps.db, sourceKey);
  // A snapshot over a since lowered MAX_TOPOLOGY_NODES goes the long way, to fail with the reason.
  if (stored && stored.nodeCount <= deps.limits.maxNodes)
    return publishBuilt({ ...stored, topologyId: stored.id }, true);

  let json;
  try {
    json = await loadTopologySource(source, options);
  } catch (error) {
    return fail(loadFailure(source, error));
  }
  const built = buildTopology(json);
  if (!built.ok)
    return fail(
      listProblems(
        `invalid topology ${source}:`,
        built.problems.map((p) => `- [${p.rule}] ${p.message}`),
      ),
    );

  const hash = contentHash(json);
  const selections = selectionsOf(built.topology);
  const topologyId = await saveTopology(deps.db, {
    id: `topo-${hash.slice(0, 24)}`,
    contentHash: hash,
    source,
    sourceKey,
    selections,
    selectionHashes: selectionHashes(built.topology),
    nodeCount: json.nodes.length,
    json,
  });
  await publishBuilt({ topologyId, contentHash: hash, selections, nodeCount: json.nodes.length }, false);
}
