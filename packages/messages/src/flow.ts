/**
 * Whether publishing can go on: the broker connection is up, the broker has not blocked publishers
 * (memory or disk alarm), and fewer than `maxOutstanding` messages wait for their confirm. Publishers
 * wait here instead of buffering without bound; consumers wait here before taking work whose events
 * could not be published.
 */
export function createFlowControl(maxOutstanding: number) {
  let connected = true;
  const blockedBy = new Set<string>();
  let outstanding = 0;
  const waiters = new Set<() => void>();

  const hasRoom = () => outstanding < maxOutstanding;
  const isWritable = () => connected && blockedBy.size === 0 && hasRoom();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  /** Resolves `true` once `condition` holds, or `false` when `signal` aborts first. */
  const waitFor = async (condition: () => boolean, signal?: AbortSignal): Promise<boolean> => {
    while (!condition()) {
      if (signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    return true;
  };

  return {
    isWritable,
    isBlocked: () => blockedBy.size > 0,
    isConnected: () => connected,
    outstanding: () => outstanding,
    setConnected: (value: boolean) => {
      connected = value;
      wake();
    },
    /** `source` names the connection: the broker may block one and not yet the other. */
    setBlocked: (source: string, value: boolean) => {
      if (value) blockedBy.add(source);
      else blockedBy.delete(source);
      wake();
    },
    /** Resolves `true` when connected, unblocked and with room, or `false` when `signal` aborts first. */
    waitUntilWritable: (signal?: AbortSignal) => waitFor(isWritable, signal),
    /** Resolves when fewer than `maxOutstanding` messages wait for a confirm: bounds publishers' memory. */
    waitForRoom: async () => {
      await waitFor(hasRoom);
    },
    /** Counts `count` messages as waiting for their confirm until the returned release is called. */
    acquire: (count: number) => {
      outstanding += count;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        outstanding -= count;
        wake();
      };
    },
  };
}

export type FlowControl = ReturnType<typeof createFlowControl>;
