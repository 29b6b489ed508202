import { describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { TaskBundle, bundleTasks, isTaskBundle, unbundle, type TaskMessage } from './task.js';

const runId = uuidv4();
const task = (selection: string): TaskMessage => ({
  run_id: runId,
  task_id: uuidv4(),
  selection,
  start_date: '2023-01-01 00:00',
  end_date: '2023-01-31 23:59',
  topology_id: 'topo-1',
  calculation: 'noop',
  generation: 2,
  reuse: true,
});

describe('bundleTasks', () => {
  const tasks = ['1', '2', '3', '4', '5'].map(task);

  it('keeps single task messages, the seed’s, at size 1', () => {
    expect(bundleTasks(tasks, 1)).toEqual(tasks);
  });

  it('makes bundles of at most `size` tasks that unbundle into the same tasks, per-run fields included', () => {
    const bundles = bundleTasks(tasks, 2);
    expect(bundles.map((bundle) => isTaskBundle(bundle) && bundle.tasks.length)).toEqual([2, 2, 1]);
    for (const bundle of bundles) expect(TaskBundle.safeParse(bundle).success).toBe(true);
    expect(bundles.flatMap((bundle) => (isTaskBundle(bundle) ? unbundle(bundle) : [bundle]))).toEqual(tasks);
  });
});
