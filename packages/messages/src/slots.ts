/** Releases a slot; calling it again does nothing. */
export type Release = () => void;

/**
 * A counting semaphore for task handlers: at most `size` hold a slot at once, the others wait in
 * arrival order. A wait ends early (with `undefined`) when its signal aborts.
 */
export function createSlots(size: number) {
  let free = size;
  const waiting: ((release: Release) => void)[] = [];

  const release = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiting.shift();
      if (next) next(release());
      else free++;
    };
  };

  return {
    acquire(signal: AbortSignal): Promise<Release | undefined> {
      if (signal.aborted) return Promise.resolve(undefined);
      if (free > 0) {
        free--;
        return Promise.resolve(release());
      }
      return new Promise((resolve) => {
        const take = (granted: Release) => {
          signal.removeEventListener('abort', giveUp);
          resolve(granted);
        };
        const giveUp = () => {
          waiting.splice(waiting.indexOf(take), 1);
          resolve(undefined);
        };
        waiting.push(take);
        signal.addEventListener('abort', giveUp, { once: true });
      });
    },
    /** Slots free now (for tests and metrics). */
    get free() {
      return free;
    },
  };
}
