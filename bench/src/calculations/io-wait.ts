// A calculation plug-in for the `io` benchmark, loaded by workers through CALCULATION_MODULES: each
// task waits for an external call of IO_WAIT_MS and computes nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskMessage } from '@conveyor/messages';

type Context = { signal: AbortSignal };

export const IO_WAIT_MS = 20; // ms: the external call each task waits for

/** Waits like an external call would, stopping early when the run is cancelled or the worker stops. */
export const waitForCall = (signal?: AbortSignal) => sleep(IO_WAIT_MS, undefined, { signal });

export const calculations = [
  {
    name: 'io-wait',
    run: async (_task: TaskMessage, context: Context) => {
      await waitForCall(context.signal);
      return { summary: {} };
    },
  },
];
