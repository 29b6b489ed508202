import { v4 as uuidv4 } from 'uuid';
import { createLogger } from '@conveyor/runtime';
import { createEvent } from '../src/create-event.js';
import type { TaskMessage } from '../src/task.js';
import { readDeadLetters, type DeadLetter } from '../src/testing.js';
import { waitFor } from '@conveyor/runtime/testing';

export const silentLogger = createLogger({ service: 'test', level: 'silent' });

export const runRequested = (runId: string, requestedBy = 'test') =>
  createEvent('run.requested', {
    runId,
    producer: 'test',
    data: {
      window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
      chunk: 'month',
      selections: null,
      topologySource: 'synthetic:substations=1&nodes=1&seed=1',
      calculation: 'grid-load',
      requestedBy,
    },
  });

export const taskFinished = (runId: string, workerId: string) =>
  createEvent('task.finished', {
    runId,
    taskId: uuidv4(),
    producer: 'worker',
    data: {
      attempt: 1,
      workerId,
      finishedAt: new Date().toISOString(),
      durationMs: 1,
      summary: {},
      resultRows: 0,
      generation: 0,
    },
  });

export const taskMessage = (runId: string, selection: string): TaskMessage => ({
  run_id: runId,
  task_id: uuidv4(),
  selection,
  start_date: '2023-01-01 00:00',
  end_date: '2023-01-31 23:59',
  topology_id: 'topo-1',
  calculation: 'grid-load',
  generation: 0,
});

export { waitFor };

/** Takes dead letters from `queue` until there are `count` of them. */
export async function deadLettersOf(amqpUrl: string, queue: string, count: number): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  return waitFor(async () => {
    letters.push(...(await readDeadLetters(amqpUrl, queue)));
    return letters.length >= count ? letters : undefined;
  }, `${count} dead letters in ${queue}`);
}
