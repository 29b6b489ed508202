import { recordEvents, type Database } from '@conveyor/db';
import { createEvent, eventIdFor, type ConveyorEvent } from '@conveyor/messages';
import { completeRuns, type CompletionDeps } from './completion.js';

export type EventBatchDeps = CompletionDeps & {
  db: Database;
  /** Marks runs whose progress changed; the progress publisher sends throttled notifications. */
  markChanged: (runIds: string[]) => void;
  onRecorded: (inserted: number, received: number) => void;
};

/**
 * Records a batch of events in one transaction (duplicates are no-ops), then completes the runs it
 * finished and acknowledges cancellations. Returns after the commit; the subscription acks then.
 */
export async function handleEventBatch(events: ConveyorEvent[], deps: EventBatchDeps): Promise<void> {
  const { inserted, affectedRunIds } = await recordEvents(deps.db, events);
  deps.onRecorded(inserted.length, events.length);

  const cancellations = inserted.filter((event) => event.type === 'run.cancel-requested');
  if (cancellations.length > 0) {
    await deps.publishEvents(
      cancellations.map((event) =>
        createEvent('run.cancelled', {
          id: eventIdFor(event.runId, 'run.cancelled'),
          runId: event.runId,
          producer: 'poller',
          data: { requestedBy: event.type === 'run.cancel-requested' ? event.data.requestedBy : 'unknown' },
        }),
      ),
    );
  }
  await completeRuns(affectedRunIds, deps);
  deps.markChanged(affectedRunIds);
}
