import { z } from 'zod';
import { BOUNDS } from './bounds.js';
import { TaskDate } from './envelope.js';

/**
 * The work item on `<ns>.tasks`: the seed's message, field for field (snake_case), extended.
 * It is not wrapped in an envelope so that a worker in another language can consume it as is.
 */
export const TaskMessage = z.object({
  run_id: z.uuid(),
  task_id: z.uuid(),
  selection: z.string().min(1).max(BOUNDS.id),
  start_date: TaskDate,
  end_date: TaskDate,
  topology_id: z.string().min(1).max(BOUNDS.name),
  calculation: z.string().min(1).max(BOUNDS.name),
  generation: z.number().int().nonnegative().max(BOUNDS.generation),
  /** The run asked for `reuse`: an equal finished task of an earlier run gives its result partition. */
  reuse: z.boolean().optional(),
});
export type TaskMessage = z.infer<typeof TaskMessage>;

/** Most tasks one bundle carries (`bundleSize`): 1,000 tasks are ~130 kB of JSON, far under 1 MiB. */
export const MAX_BUNDLE_SIZE = 1000;

/** What differs between the tasks of one bundle; everything else is the run's, shared. */
export const BundledTask = TaskMessage.pick({
  task_id: true,
  selection: true,
  start_date: true,
  end_date: true,
});
export type BundledTask = z.infer<typeof BundledTask>;

/**
 * Up to MAX_BUNDLE_SIZE tasks of one run in one message (DESIGN §2.2): the single message's per-run
 * fields once (`reuse` among them), and each task's own. Each task is handled as if it came alone.
 */
export const TaskBundle = TaskMessage.omit({
  task_id: true,
  selection: true,
  start_date: true,
  end_date: true,
}).extend({ tasks: z.array(BundledTask).min(1).max(MAX_BUNDLE_SIZE) });
export type TaskBundle = z.infer<typeof TaskBundle>;

/** A message of the task queue: one task, or a bundle of them. */
export type TaskPayload = TaskMessage | TaskBundle;

export const isTaskBundle = (payload: TaskPayload): payload is TaskBundle => 'tasks' in payload;

/** The single task messages a bundle stands for, each with the run's fields. */
export function unbundle(bundle: TaskBundle): TaskMessage[] {
  const { tasks, ...run } = bundle;
  return tasks.map((task) => ({ ...run, ...task }));
}

/**
 * A run's tasks as messages of at most `size` tasks: single task messages (the seed's) when `size`
 * is 1, bundles otherwise. The tasks must share their per-run fields; a bundle of one is still a bundle.
 */
export function bundleTasks(tasks: TaskMessage[], size: number): TaskPayload[] {
  if (size <= 1) return tasks;
  const bundles: TaskBundle[] = [];
  for (let i = 0; i < tasks.length; i += size) {
    const slice = tasks.slice(i, i + size);
    const { task_id: _id, selection: _s, start_date: _b, end_date: _e, ...run } = slice[0]!;
    bundles.push({
      ...run,
      tasks: slice.map(({ task_id, selection, start_date, end_date }) => ({
        task_id,
        selection,
        start_date,
        end_date,
      })),
    });
  }
  return bundles;
}
