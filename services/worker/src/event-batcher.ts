import type { ConveyorEvent } from '@conveyor/messages';

/**
 * Collects the task events of a flush window — up to `maxEvents`, or `flushMs` after the first — and
 * publishes them as one batch message (DESIGN §2.4), so that a task's outcome costs a fraction of a
 * broker message and of a confirm. An event that finds no task still computing (`idle`) is published
 * at once with those waiting: nothing would join them, and the window would only delay the run's last
 * outcomes. Each caller's promise settles when the batch holding its event is confirmed: the task is
 * acked only then.
 */
export function createEventBatcher(
  publishBatch: (events: ConveyorEvent[]) => Promise<void>,
  options: { maxEvents: number; flushMs: number; idle?: () => boolean },
) {
  let pending: { event: ConveyorEvent; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    publishBatch(batch.map((entry) => entry.event)).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  };

  return (event: ConveyorEvent): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      pending.push({ event, resolve, reject });
      if (pending.length >= options.maxEvents || options.idle?.()) flush();
      else timer ??= setTimeout(flush, options.flushMs);
    });
}
