import type { ReusableResult, TaskPartition, findReusableResult } from '@conveyor/db';
import {
  MAX_MESSAGE_BYTES,
  PermanentError,
  messageBytes,
  errorMessage,
  createEvent,
  type ConveyorEvent,
  type ConveyorNotification,
  type ErrorKind,
  type TaskContext as SubscriptionContext,
  type TaskMessage,
} from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';
import type { CalculationOutput, LoadedCalculation } from '../calculations/calculation.js';
import { startHeartbeat } from '../heartbeat.js';
import type { RunInThread } from '../threads/pool.js';

export type TaskDeps = {
  workerId: string;
  calculations: Map<string, LoadedCalculation>;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  publishNotification: (notification: ConveyorNotification) => Promise<void>;
  /** Whether the task's run was cancelled (cached briefly). */
  isRunCancelled: (runId: string) => Promise<boolean>;
  loadTopology: (topologyId: string) => Promise<unknown>;
  /** The worker's thread pool (`createThreadPool`). */
  runInThread: RunInThread;
  /** Writes a task's result partition, retrying through a database outage until `signal` aborts. */
  writeResults: (partition: TaskPartition, signal: AbortSignal) => Promise<void>;
  /** The content hash of a selection in a topology snapshot (cached per snapshot); null when it has none. */
  selectionHash: (topologyId: string, selection: string) => Promise<string | null>;
  /** `reuse` (DESIGN §6): finds an equal finished cell of an earlier run; copies its result partition. */
  reuse: {
    find: (cell: Parameters<typeof findReusableResult>[1]) => Promise<ReusableResult | undefined>;
    /** Resolves whether the task now has the partition (false: the source has none). */
    copy: (
      copy: { runId: string; taskId: string; fromTaskId: string },
      signal: AbortSignal,
    ) => Promise<boolean>;
  };
  heartbeatMs: number;
  /** A task still running after this long (ms) publishes `task.started`; 0: every task, at once. */
  startedAfterMs: number;
  logger: Logger;
  now: () => Date;
  onTaskDone: (calculation: string, outcome: 'finished' | 'reused' | 'cancelled', seconds: number) => void;
};

export type TaskContext = Pick<SubscriptionContext, 'attempt' | 'redelivered' | 'signal' | 'releaseSlot'>;

/**
 * Computes one task: skips it when its run is cancelled; with `reuse`, takes an earlier run's equal
 * result instead when there is one; otherwise publishes `task.started`, runs the calculation (with
 * heartbeats; aborted on cancellation or shutdown), writes its results, publishes `task.finished`.
 * Errors go back to the subscription, which decides retry or dead-letter and calls `reportTaskFailure`.
 */
export async function handleTask(task: TaskMessage, context: TaskContext, deps: TaskDeps): Promise<void> {
  if (await deps.isRunCancelled(task.run_id)) return skipCancelledTask(task, context, deps);
  const calculation = deps.calculations.get(task.calculation);
  if (!calculation) throw new PermanentError(`unknown calculation "${task.calculation}"`);
  const selectionHash = await deps.selectionHash(task.topology_id, task.selection);
  if (
    task.reuse &&
    selectionHash &&
    (await reuseEarlierResult(task, context, deps, calculation, selectionHash))
  )
    return;

  const startedAt = deps.now();
  const clock = performance.now();
  const start = announceStart(task, context, deps, startedAt);
  try {
    const output = await runCalculation(task, context, deps, calculation);
    const seconds = (deps.now().getTime() - startedAt.getTime()) / 1000;
    if (!output) {
      context.releaseSlot();
      await Promise.all([start.settle(), publishCancelled(task, deps)]);
      deps.onTaskDone(task.calculation, 'cancelled', seconds);
      return;
    }
    const computedMs = performance.now() - clock;
    checkSummarySize(output);
    await writeResults(task, context, deps, output, selectionHash);
    const writtenMs = performance.now() - clock;
    context.releaseSlot();
    await Promise.all([
      start.settle(),
      reportFinished(task, context, deps, {
        startedAt,
        summary: output.summary,
        resultRows: output.result?.rowCount ?? 0,
        version: calculation.version,
      }),
    ]);
    deps.onTaskDone(task.calculation, 'finished', seconds);
    // Where a task's time goes (ms since it was taken), for tuning.
    deps.logger.debug(
      { taskId: task.task_id, computedMs, writtenMs, doneMs: performance.now() - clock },
      'task finished',
    );
  } finally {
    // A failed attempt is reported by task.failed: a start not yet announced never is.
    start.settle().catch(() => undefined);
  }
}

/**
 * The `reuse` step: a FINISHED task of another run with the same selection content hash, calculation
 * and version, start and end, whose partition exists, gives its partition (copied in one statement,
 * replacing whatever an earlier attempt wrote) and its summary; `task.finished` names it in
 * `reusedFrom`. Nothing is computed. Resolves false when there is none: the task is computed.
 */
async function reuseEarlierResult(
  task: TaskMessage,
  context: TaskContext,
  deps: TaskDeps,
  calculation: LoadedCalculation,
  selectionHash: string,
): Promise<boolean> {
  const startedAt = deps.now();
  const earlier = await deps.reuse.find({
    runId: task.run_id,
    selectionHash,
    startDate: task.start_date,
    endDate: task.end_date,
    calculation: task.calculation,
    calculationVersion: calculation.version,
  });
  if (!earlier) return false;
  const copy = { runId: task.run_id, taskId: task.task_id, fromTaskId: earlier.taskId };
  if (!(await deps.reuse.copy(copy, context.signal))) return false;
  context.releaseSlot();
  await reportFinished(task, context, deps, {
    startedAt,
    summary: earlier.summary ?? {},
    resultRows: earlier.rowCount,
    version: calculation.version,
    reusedFrom: earlier.taskId,
  });
  deps.onTaskDone(task.calculation, 'reused', (deps.now().getTime() - startedAt.getTime()) / 1000);
  deps.logger.debug({ taskId: task.task_id, reusedFrom: earlier.taskId }, 'task result reused');
  return true;
}

/** Room (bytes) that task.finished needs besides the summary: the envelope and the other fields. */
const FINISHED_OVERHEAD_BYTES = 2048;

/**
 * A summary that would make task.finished too large for the broker fails its task for good, before
 * anything is written or acked: no retry can make it smaller, and the run must end.
 */
function checkSummarySize(output: CalculationOutput): void {
  const bytes = messageBytes(output.summary);
  if (bytes + FINISHED_OVERHEAD_BYTES > MAX_MESSAGE_BYTES)
    throw new PermanentError(
      `summary over 1 MiB: the calculation's summary is ${bytes} bytes of JSON, and task.finished ` +
        `must stay under ${MAX_MESSAGE_BYTES} bytes; return the bulk as result rows instead`,
    );
}

const eventBase = (task: TaskMessage) => ({ runId: task.run_id, taskId: task.task_id, producer: 'worker' });

/** A task of a cancelled run is acknowledged without computing: `task.cancelled`. */
async function skipCancelledTask(task: TaskMessage, context: TaskContext, deps: TaskDeps): Promise<void> {
  context.releaseSlot();
  await publishCancelled(task, deps);
}

function publishCancelled(task: TaskMessage, deps: TaskDeps): Promise<void> {
  return deps.publishEvent(
    createEvent('task.cancelled', {
      ...eventBase(task),
      data: { workerId: deps.workerId, generation: task.generation },
    }),
  );
}

/**
 * Publishes `task.started` once the task has run `startedAfterMs` (0: at once), not awaited here: the
 * calculation need not wait for the broker. A task done sooner never announces its start: it goes
 * from QUEUED to FINISHED, one event instead of two (DESIGN §2.4). `settle` drops a start not yet
 * due and resolves once a published one is confirmed (awaited with task.finished's, before the ack).
 */
function announceStart(task: TaskMessage, context: TaskContext, deps: TaskDeps, startedAt: Date) {
  let started: Promise<void> | undefined;
  const publish = () => {
    // async: a refused envelope rejects `started` instead of throwing in the timer.
    started = (async () =>
      deps.publishEvent(
        createEvent('task.started', {
          ...eventBase(task),
          data: {
            attempt: context.attempt,
            workerId: deps.workerId,
            startedAt: startedAt.toISOString(),
            generation: task.generation,
          },
          now: startedAt,
        }),
      ))();
    // A failed attempt is reported by task.failed, whatever became of its task.started.
    started.catch(() => undefined);
  };
  let timer: NodeJS.Timeout | undefined;
  if (deps.startedAfterMs === 0) publish();
  else timer = setTimeout(publish, deps.startedAfterMs);
  return {
    settle: async () => {
      clearTimeout(timer);
      await started;
    },
  };
}

/**
 * Runs the calculation with heartbeats. Resolves with its output, or null when the run was cancelled
 * meanwhile (the calculation stopped early on the signal); a shutdown's abort and any other error
 * reject, for the subscription to hand the task back or fail it.
 */
async function runCalculation(
  task: TaskMessage,
  context: TaskContext,
  deps: TaskDeps,
  calculation: LoadedCalculation,
): Promise<CalculationOutput | null> {
  // Aborted on the run's cancellation or on shutdown (`context.signal`); one controller with a
  // listener instead of AbortSignal.any, whose signals cost a lot per task on Node 20.
  const cancelled = new AbortController();
  const stop = () => cancelled.abort(context.signal.reason);
  if (context.signal.aborted) stop();
  else context.signal.addEventListener('abort', stop, { once: true });
  let progress: number | null = null;
  const stopHeartbeat = startHeartbeat(task, context.attempt, deps, {
    progress: () => progress,
    onCancelled: () => cancelled.abort(new Error('run cancelled')),
  });
  try {
    return await calculation.run(task, {
      attempt: context.attempt,
      signal: cancelled.signal,
      loadTopology: deps.loadTopology,
      runInThread: (filename, input) => deps.runInThread(filename, input, cancelled.signal),
      reportProgress: (fraction) => (progress = Math.min(1, Math.max(0, fraction))),
    });
  } catch (error) {
    if (!cancelled.signal.aborted || context.signal.aborted) throw error;
    return null;
  } finally {
    stopHeartbeat();
    context.signal.removeEventListener('abort', stop);
  }
}

/** Writes the task's result partition; a retried or redelivered attempt replaces what an earlier one wrote. */
async function writeResults(
  task: TaskMessage,
  context: TaskContext,
  deps: TaskDeps,
  output: CalculationOutput,
  selectionHash: string | null,
): Promise<void> {
  if (!output.result) return;
  await deps.writeResults(
    {
      runId: task.run_id,
      taskId: task.task_id,
      selection: task.selection,
      startDate: task.start_date,
      endDate: task.end_date,
      ...output.result,
      selectionHash,
    },
    context.signal,
  );
}

/** Publishes `task.finished` with the calculation's summary; resolves once the broker confirmed it. */
function reportFinished(
  task: TaskMessage,
  context: TaskContext,
  deps: TaskDeps,
  done: {
    startedAt: Date;
    summary: Record<string, unknown>;
    resultRows: number;
    version: string;
    /** The earlier run's task whose partition was taken (`reuse`). */
    reusedFrom?: string;
  },
): Promise<void> {
  const finishedAt = deps.now();
  return deps.publishEvent(
    createEvent('task.finished', {
      ...eventBase(task),
      data: {
        attempt: context.attempt,
        workerId: deps.workerId,
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - done.startedAt.getTime(),
        summary: done.summary,
        resultRows: done.resultRows,
        generation: task.generation,
        calculationVersion: done.version,
        ...(done.reusedFrom === undefined ? {} : { reusedFrom: done.reusedFrom }),
      },
      now: finishedAt,
    }),
  );
}

/** Publishes `task.failed` for the subscription's decision about a failed attempt. */
export async function reportTaskFailure(
  task: TaskMessage,
  error: unknown,
  decision: { attempt: number; kind: ErrorKind; final: boolean },
  deps: Pick<TaskDeps, 'publishEvent' | 'workerId' | 'logger'>,
): Promise<void> {
  const message = errorMessage(error);
  deps.logger.warn(
    { runId: task.run_id, taskId: task.task_id, ...decision, error: message },
    'task attempt failed',
  );
  await deps.publishEvent(
    createEvent('task.failed', {
      ...eventBase(task),
      data: {
        attempt: decision.attempt,
        workerId: deps.workerId,
        error: { message, kind: decision.kind },
        final: decision.final,
        generation: task.generation,
      },
    }),
  );
}
