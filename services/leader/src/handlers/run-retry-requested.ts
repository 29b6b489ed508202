import { getRun, getRunRequest, listFailedTasks, type Database } from '@conveyor/db';
import { TransientError, type EventOf } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';
import { publishPlan, type PlanPublisher } from './publish-plan.js';

export type RetryDeps = PlanPublisher & { db: Database; logger: Logger; batchSize: number; now: () => Date };

/** Re-queues the failed tasks of a run (all, or the named ones) in a new generation. */
export async function handleRunRetryRequested(
  event: EventOf<'run.retry-requested'>,
  deps: RetryDeps,
): Promise<void> {
  const { runId } = event;
  const [run, request] = await Promise.all([getRun(deps.db, runId), getRunRequest(deps.db, runId)]);
  if (!run || !request || !run.topologyId) throw new TransientError(`run ${runId} is not recorded yet`);
  const failed = await listFailedTasks(deps.db, runId, event.data.taskIds);
  if (failed.length === 0) {
    deps.logger.info({ runId }, 'retry requested but no task has failed');
    return;
  }
  const generation = run.generation + 1;
  await publishPlan(
    { runId, topologyId: run.topologyId, calculation: request.calculation, generation, tasks: failed },
    deps,
  );
  deps.logger.info({ runId, generation, tasks: failed.length }, 'failed tasks re-queued');
}
