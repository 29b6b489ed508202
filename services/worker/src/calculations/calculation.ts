import type { EncodedTaskResult } from '@conveyor/grid';
import type { TaskMessage } from '@conveyor/messages';

/** What a calculation may use besides its task. */
export type CalculationContext = {
  /** 1 for the first attempt; retries after transient errors count up. */
  attempt: number;
  /** Aborted when the run is cancelled or the worker stops: stop early by throwing. */
  signal: AbortSignal;
  /** The stored topology snapshot of the task's run, cached by id. */
  loadTopology: (topologyId: string) => Promise<unknown>;
  /**
   * Runs CPU-bound work in one of the worker's threads: the default export of the module `filename`
   * (a file URL or path) is called with `input` (structured-cloned; share big inputs as a
   * SharedArrayBuffer) and its return value comes back. The task's signal terminates the thread.
   */
  runInThread: <T>(filename: string, input: unknown) => Promise<T>;
  /** Optional progress of a long task, 0–1, sent with its heartbeats. */
  reportProgress: (fraction: number) => void;
};

export type CalculationOutput = {
  /**
   * The task's result partition, written to `task_results` in one statement (replacing an earlier
   * attempt's): `encodeTaskResult(partition, summary)` of @conveyor/grid, the partition filled column by
   * column or made from row objects by `partitionOfRows`. None: the task stores no results.
   */
  result?: EncodedTaskResult;
  /** Small JSON summary recorded with `task.finished`. */
  summary: Record<string, unknown>;
};

/**
 * A calculation plug-in. I/O-bound work (waiting on a service, a database) runs in `run` on the main
 * thread, async; CPU-bound work (computing for more than a few ms) goes to `context.runInThread`, so
 * that the main thread keeps heartbeats, acks, probes and cancellation alive. Throw `PermanentError` (from @conveyor/messages) for a task that can never
 * succeed; any other error is treated as transient and the task is retried with backoff.
 */
export type Calculation = {
  name: string;
  /**
   * Changes whenever the calculation's results would: recorded with every task it finishes and
   * announced in `worker.heartbeat`. A plug-in without one counts as version "0".
   */
  version?: string;
  run: (task: TaskMessage, context: CalculationContext) => Promise<CalculationOutput>;
};

/** A calculation as the worker runs it: its version settled. */
export type LoadedCalculation = Calculation & { version: string };
