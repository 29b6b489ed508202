import {
  buildTopology,
  contentHash,
  loadTopologySource,
  selectionsOf,
  TopologyTooLargeError,
  type TopologyLimits,
} from '@conveyor/grid';
import { saveTopology, type Database } from '@conveyor/db';
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

/**
 * Loads, validates and stores the topology of a requested run, then publishes `topology.built`
 * or `topology.failed` with a reason a user can act on. Event ids are derived from the run, so a
 * redelivered request publishes the same events and the event store keeps one of each.
 */
export async function handleRunRequested(
  event: EventOf<'run.requested'>,
  deps: RunRequestedDeps,
): Promise<void> {
  const { runId } = event;
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

  let json;
  try {
    json = await loadTopologySource(event.data.topologySource, {
      baseDir: deps.topologyDir,
      limits: deps.limits,
    });
  } catch (error) {
    if (error instanceof TopologyTooLargeError)
      return fail(
        `topology ${event.data.topologySource} is too large: ${error.message} (${LIMIT_VARIABLES[error.limit]})`,
      );
    return fail(`cannot load topology ${event.data.topologySource}: ${(error as Error).message}`);
  }
  const built = buildTopology(json);
  if (!built.ok)
    return fail(
      listProblems(
        `invalid topology ${event.data.topologySource}:`,
        built.problems.map((p) => `- [${p.rule}] ${p.message}`),
      ),
    );

  const hash = contentHash(json);
  const selections = selectionsOf(built.topology);
  const topologyId = await saveTopology(deps.db, {
    id: `topo-${hash.slice(0, 24)}`,
    contentHash: hash,
    source: event.data.topologySource,
    selections,
    nodeCount: json.nodes.length,
    json,
  });
  const buildMs = performance.now() - started;
  deps.logger.info({ runId, topologyId, nodes: json.nodes.length, buildMs }, 'topology built');
  let builtEvent;
  try {
    builtEvent = createEvent('topology.built', {
      id: eventIdFor(runId, 'topology.built'),
      runId,
      producer: 'topology',
      data: {
        topologyId,
        contentHash: hash,
        selections,
        nodeCount: json.nodes.length,
        buildMs,
        request: {
          window: event.data.window,
          chunk: event.data.chunk,
          selections: event.data.selections,
          calculation: event.data.calculation,
        },
      },
      now: deps.now(),
    });
  } catch (error) {
    // Over 1 MiB (some hundred thousand selections): no consumer would take it, the run fails instead.
    if (error instanceof PermanentError)
      return fail(`topology ${event.data.topologySource} cannot be planned: ${error.message}`);
    throw error;
  }
  await deps.publishEvent(builtEvent);
}
