import type { ConveyorEvent } from '@conveyor/messages';

/**
 * Collects the events that concurrent tasks publish into one confirmed batch (up to `maxBatch`, or
 * after `maxDelayMs`), so that a task's two events cost a fraction of a broker round trip. Each
 * caller's promise settles when its own batch is confirmed.
 */
export function createEventBatcher(
  publishEvents: (events: ConveyorEvent[]) => Promise<void>,
  options: { maxBatch: number; maxDelayMs: number },
) {
  let pending: { event: ConveyorEvent; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    publishEvents(batch.map((entry) => entry.event)).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  };

  return (event: ConveyorEvent): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      pending.push({ event, resolve, reject });
      if (pending.length >= options.maxBatch) flush();
      else timer ??= setTimeout(flush, options.maxDelayMs);
    });
}
