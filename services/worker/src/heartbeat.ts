import { createNotification, type ConveyorNotification, type TaskMessage } from '@conveyor/messages';

/** How often a running task looks whether its run was cancelled (ms): it stops within about this. */
const CANCEL_CHECK_MS = 1000;

/**
 * While a task runs, every `heartbeatMs`: a `task.heartbeat` (the poller's sign that the task is not
 * stalled, with the calculation's progress); every second, a look whether its run was cancelled (one
 * database read per run and second, shared by its tasks), then `onCancelled`. Neither may fail the
 * task: a lost beat or check is just skipped. Returns the stop.
 */
export function startHeartbeat(
  task: TaskMessage,
  attempt: number,
  deps: {
    workerId: string;
    heartbeatMs: number;
    publishNotification: (notification: ConveyorNotification) => Promise<void>;
    isRunCancelled: (runId: string) => Promise<boolean>;
  },
  state: { progress: () => number | null; onCancelled: () => void },
): () => void {
  const beat = () => {
    const heartbeat = createNotification('task.heartbeat', {
      runId: task.run_id,
      taskId: task.task_id,
      producer: 'worker',
      data: { workerId: deps.workerId, attempt, generation: task.generation, progress: state.progress() },
    }) as ConveyorNotification;
    void deps.publishNotification(heartbeat).catch(() => undefined);
  };
  const check = () => {
    void deps.isRunCancelled(task.run_id).then(
      (cancelled) => cancelled && state.onCancelled(),
      () => undefined,
    );
  };
  const timer = setInterval(beat, deps.heartbeatMs);
  const checker = setInterval(check, Math.min(CANCEL_CHECK_MS, deps.heartbeatMs));
  return () => {
    clearInterval(timer);
    clearInterval(checker);
  };
}
