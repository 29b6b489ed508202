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
 * Records a batch of events in one transaction (duplicates are no-ops), then completes the runs it
 * finished and acknowledges its cancellations (all of them, recorded now or before: the projection
 * says a run is cancelled, not this attempt). Returns after the commit; the subscription acks then.
 */
export async function handleEventBatch(events: ConveyorEvent[], deps: EventBatchDeps): Promise<void> {
  const { inserted, affectedRunIds } = await recordEvents(deps.db, events);
  deps.onRecorded(inserted.length, events.length);

  await publishCancellations(events, deps);
  // Every run of the batch, not only those this attempt changed: a redelivered batch's run may be
  // complete in the projection with its run.completed never published.
  await completeRuns([...new Set(events.map((event) => event.runId))], deps);
  deps.markChanged(affectedRunIds);
}
