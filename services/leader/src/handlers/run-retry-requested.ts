import { findRetryPlan, getRun, listCellTasks, listFailedTasks, type Database } from '@conveyor/db';
import { TransientError, retryWithBackoff, type EventContext, type EventOf } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';
import { publishPlan, type PlanPublisher } from './publish-plan.js';
import { isPlanPublished } from './topology-built.js';

export type RetryDeps = PlanPublisher & {
  db: Database;
  logger: Logger;
  batchSize: number;
  now: () => Date;
  /** Longest wait (ms) between two looks at a run the poller has not recorded yet. */
  notYetMaxMs?: number;
};

const NOT_YET_MAX_MS = 30_000;

/**
 * Re-queues the failed tasks of a run, or the named ones whatever their status, in a new generation. The run and its
 * failed tasks come from the projections: while they are not recorded yet ("not yet", the poller
 * lags), the look is repeated with capped backoff and no deadline — the request is never
 * dead-lettered while the answer can still come. A redelivered request whose generation is planned
 * but has no run.plan-published recorded publishes that generation again.
 */
export async function handleRunRetryRequested(
  event: EventOf<'run.retry-requested'>,
  deps: RetryDeps,
  context: Pick<EventContext, 'signal'>,
): Promise<void> {
  const { runId } = event;
  const outcome = await retryWithBackoff(() => retryOnce(event, deps), {
    baseMs: 100,
    maxMs: deps.notYetMaxMs ?? NOT_YET_MAX_MS,
    signal: context.signal,
    onRetry: ({ error, attempt, waitMs }) =>
      deps.logger.info({ runId, attempt, waitMs, error: (error as Error).message }, 'retry waits'),
  });
  if (!outcome.ok) throw outcome.error;
}

async function retryOnce(event: EventOf<'run.retry-requested'>, deps: RetryDeps): Promise<void> {
  const { runId } = event;
  const run = await getRun(deps.db, runId);
  if (!run?.topologyId || !run.calculation) throw new TransientError(`run ${runId} is not recorded yet`);
  const earlier = await findRetryPlan(deps.db, runId, event.id);
  if (earlier) {
    if (await isPlanPublished(deps, runId, earlier.generation)) {
      deps.logger.info({ runId, generation: earlier.generation }, 'retry already published');
      return;
    }
    await publishPlan({ runId, calculation: run.calculation, retryOf: event.id, ...earlier }, deps);
    deps.logger.info({ runId, generation: earlier.generation }, 'interrupted retry published again');
    return;
  }
  // Named tasks are queued again whatever their status (retryTasks); without names, the failed ones.
  const { taskIds } = event.data;
  const failed = taskIds
    ? await listCellTasks(deps.db, runId, { taskIds })
    : await listFailedTasks(deps.db, runId, null);
  if (failed.length === 0) {
    deps.logger.info(
      { runId },
      taskIds ? 'retry requested but no named task is recorded' : 'retry requested but no task has failed',
    );
    return;
  }
  const generation = run.generation + 1;
  await publishPlan(
    {
      runId,
      topologyId: run.topologyId,
      calculation: run.calculation,
      generation,
      tasks: failed,
      retryOf: event.id,
    },
    deps,
  );
  deps.logger.info({ runId, generation, tasks: failed.length }, 'tasks re-queued');
}
