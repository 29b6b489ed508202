/**
 * One subscriber's queue of live messages: it buffers from the moment it is opened, so that nothing
 * published between opening it and the first read is lost. One reader at a time.
 */
export type Channel<T> = {
  push: (message: T) => void;
  /** The next message; undefined after `timeoutMs` without one, or once closed. */
  next: (timeoutMs: number) => Promise<T | undefined>;
  /** Every buffered message, without waiting. */
  takeAll: () => T[];
  close: () => void;
  isClosed: () => boolean;
};

/** Messages a stalled reader may hold before it loses the oldest (the next state is complete anyway). */
const MAX_BUFFERED = 10_000;

export function createChannel<T>(onClose: () => void): Channel<T> {
  let buffer: T[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push: (message) => {
      if (closed) return;
      buffer.push(message);
      if (buffer.length > MAX_BUFFERED) buffer.shift();
      wake?.();
    },
    next: async (timeoutMs) => {
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
      return closed ? undefined : buffer.shift();
    },
    takeAll: () => {
      const all = buffer;
      buffer = [];
      return all;
    },
    close: () => {
      if (closed) return;
      closed = true;
      buffer = [];
      wake?.();
      onClose();
    },
    isClosed: () => closed,
  };
}
