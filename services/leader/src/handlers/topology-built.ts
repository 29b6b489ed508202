import { hasEvent, type Database } from '@conveyor/db';
import { createEvent, errorMessage, eventIdFor, truncateText, type EventOf } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';
import { planRun } from '../domain/plan-run.js';
import { publishPlan, type PlanPublisher } from './publish-plan.js';

export type TopologyBuiltDeps = PlanPublisher & {
  db: Database;
  logger: Logger;
  batchSize: number;
  /** MAX_TASKS_PER_RUN: a larger plan fails the run before any task is published. */
  maxTasksPerRun: number;
  now: () => Date;
};

/**
 * Whether generation `generation` of a run is published completely (its run.plan-published is
 * recorded). Unknown — the database unreachable — counts as no: publishing the plan again costs
 * duplicates that ids make harmless, waiting could cost the run.
 */
export async function isPlanPublished(
  deps: Pick<TopologyBuiltDeps, 'db' | 'logger'>,
  runId: string,
  generation: number,
): Promise<boolean> {
  try {
    return await hasEvent(deps.db, eventIdFor(runId, 'run.plan-published', generation));
  } catch (error) {
    deps.logger.warn({ runId, error: errorMessage(error) }, 'cannot tell whether the plan is published');
    return false;
  }
}

/**
 * Plans generation 0 of a run from its topology.built alone (the event carries the request; no
 * projection is read, the poller is never waited for), or fails the run when the plan is
 * impossible. A redelivered topology.built whose plan has no run.plan-published recorded — the leader
 * died mid-plan — publishes the whole plan again: ids are deterministic, copies are deduplicated.
 */
export async function handleTopologyBuilt(
  event: EventOf<'topology.built'>,
  deps: TopologyBuiltDeps,
): Promise<void> {
  const { runId } = event;
  if (await isPlanPublished(deps, runId, 0)) {
    deps.logger.info({ runId }, 'run already planned and published; ignoring a repeated topology.built');
    return;
  }
  const { request } = event.data;
  const plan = planRun({ runId, ...request }, event.data.selections, deps.maxTasksPerRun);
  if (!plan.ok) {
    deps.logger.warn({ runId, reason: plan.reason }, 'run cannot be planned');
    await deps.publishEvents([
      createEvent('run.plan-failed', {
        id: eventIdFor(runId, 'run.plan-failed'),
        runId,
        producer: 'leader',
        data: { reason: truncateText(plan.reason) },
        now: deps.now(),
      }),
    ]);
    return;
  }
  await publishPlan(
    {
      runId,
      topologyId: event.data.topologyId,
      calculation: request.calculation,
      reuse: request.reuse,
      bundleSize: request.bundleSize,
      generation: 0,
      tasks: plan.tasks,
    },
    deps,
  );
  deps.logger.info({ runId, tasks: plan.tasks.length }, 'run planned');
}
