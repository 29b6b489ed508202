import { getRunRequest, hasEvent, type Database } from '@conveyor/db';
import { TransientError, createEvent, eventIdFor, truncateText, type EventOf } from '@conveyor/messages';
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

/** Plans generation 0 of a run once its topology is built, or fails the run when the plan is impossible. */
export async function handleTopologyBuilt(
  event: EventOf<'topology.built'>,
  deps: TopologyBuiltDeps,
): Promise<void> {
  const { runId } = event;
  if (await hasEvent(deps.db, eventIdFor(runId, 'run.planned', 0))) {
    deps.logger.info({ runId }, 'run already planned; ignoring a repeated topology.built');
    return;
  }
  const request = await getRunRequest(deps.db, runId);
  // The poller records run.requested before this arrives in almost every case; if not, retry shortly.
  if (!request) throw new TransientError(`run ${runId} has no recorded run.requested yet`);

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
      generation: 0,
      tasks: plan.tasks,
    },
    deps,
  );
  deps.logger.info({ runId, tasks: plan.tasks.length }, 'run planned');
}
