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
