import { findUnpublishedCancellations, type Database } from '@conveyor/db';
import { createEvent, eventIdFor, type ConveyorEvent } from '@conveyor/messages';

export type CancellationDeps = {
  db: Database;
  publishEvents: (events: ConveyorEvent[]) => Promise<void>;
};

/** run.cancelled for a run; its id derives from the run, so any number of copies is recorded once. */
const cancelledEvent = (runId: string, requestedBy: string) =>
  createEvent('run.cancelled', {
    id: eventIdFor(runId, 'run.cancelled'),
    runId,
    producer: 'poller',
    data: { requestedBy },
  });

/**
 * Acknowledges the cancellations of a recorded batch — every run.cancel-requested in it, whether this
 * attempt inserted it or an earlier one did (a poller that died after the commit and before
 * publishing gets the batch again, and must publish then).
 */
export async function publishCancellations(events: ConveyorEvent[], deps: CancellationDeps): Promise<void> {
  const requested = new Map<string, string>();
  for (const event of events)
    if (event.type === 'run.cancel-requested') requested.set(event.runId, event.data.requestedBy);
  if (requested.size === 0) return;
  await deps.publishEvents([...requested].map(([runId, by]) => cancelledEvent(runId, by)));
}

/** The safety net's part: cancellations recorded in the projection with no run.cancelled recorded. */
export async function republishCancellations(deps: CancellationDeps): Promise<void> {
  const pending = await findUnpublishedCancellations(deps.db);
  if (pending.length === 0) return;
  await deps.publishEvents(pending.map(({ runId, requestedBy }) => cancelledEvent(runId, requestedBy)));
}
