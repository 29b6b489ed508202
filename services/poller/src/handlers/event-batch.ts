import { recordEvents, type Database } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import { publishCancellations } from './cancellation.js';
import { completeRuns, type CompletionDeps } from './completion.js';

export type EventBatchDeps = CompletionDeps & {
  db: Database;
  /** Marks runs whose progress changed; the progress publisher sends throttled notifications. */
  markChanged: (runIds: string[]) => void;
  onRecorded: (inserted: number, received: number) => void;
};

/**
 * Whether recording the event can make its run complete: a task's end (or a plan whose tasks all
 * ended already), a failure before the plan, a cancellation. A start, a retry pending, a request and
 * a completion cannot — a batch of only those looks for no completion (the safety net still polls).
 */
export function mayComplete(event: ConveyorEvent): boolean {
  switch (event.type) {
    case 'task.finished':
    case 'task.cancelled':
    case 'tasks.queued':
    case 'run.planned':
    case 'topology.failed':
    case 'run.plan-failed':
    case 'run.cancel-requested':
    case 'run.cancelled':
      return true;
    case 'task.failed':
      return event.data.final;
    case 'task.started':
    case 'run.requested':
    case 'topology.built':
    case 'run.plan-published':
    case 'run.retry-requested':
    case 'run.completed':
      return false;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * Records a batch of events in one transaction (duplicates are no-ops), then completes the runs it
 * may have finished and acknowledges its cancellations (all of them, recorded now or before: the
 * projection says a run is cancelled, not this attempt). Returns after the commit; the subscription
 * acks then.
 */
export async function handleEventBatch(events: ConveyorEvent[], deps: EventBatchDeps): Promise<void> {
  const { inserted, affectedRunIds } = await recordEvents(deps.db, events);
  deps.onRecorded(inserted.length, events.length);

  await publishCancellations(events, deps);
  // Every run with such an event in the batch, not only those this attempt changed: a redelivered
  // batch's run may be complete in the projection with its run.completed never published.
  const completable = new Set(events.filter(mayComplete).map((event) => event.runId));
  if (completable.size > 0) await completeRuns([...completable], deps);
  deps.markChanged(affectedRunIds);
}
