/**
 * A subscription to an in-process topic that buffers from the moment it is created (nothing published
 * between subscribing and the first read is lost). `next` resolves with the next message, or with
 * undefined after `timeoutMs`, so a reader can re-check the database now and then.
 */
export function createChannel<T>(onClose: () => void) {
  const buffer: T[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push: (message: T): void => {
      if (closed) return;
      buffer.push(message);
      if (buffer.length > 10_000) buffer.shift(); // a stalled reader loses the oldest; the next state is complete anyway
      wake?.();
    },
    next: async (timeoutMs: number): Promise<T | undefined> => {
      if (buffer.length === 0 && !closed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return buffer.shift();
    },
    close: (): void => {
      closed = true;
      wake?.();
      onClose();
    },
  };
}
