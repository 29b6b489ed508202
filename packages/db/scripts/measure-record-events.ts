// Measures recordEvents, the poller's hot path: events/s for batches of 500 realistic events.
// Run: pnpm --filter @conveyor/db measure [runs]   (a scratch database, dropped at the end)
import { v4 as uuidv4 } from 'uuid';
import { createEvent, taskIdFor, type ConveyorEvent, type QueuedTask } from '@conveyor/messages';
import { recordEvents } from '../src/projections/record-events.js';
import { createTestDatabase } from '../src/testing.js';

const BATCH = 500; // events per recordEvents call, as the poller batches them
const TASKS = 2000; // tasks per run

const IN_FLIGHT = 50; // tasks running at once: a task's finished comes this many starts after its started

/** One run as the services publish it: plan, queued batches, then started/finished of tasks in flight. */
function runEvents(): ConveyorEvent[] {
  const runId = uuidv4();
  const base = { runId, producer: 'bench' };
  const tasks: QueuedTask[] = Array.from({ length: TASKS }, (_, i) => {
    const startDate = `2023-01-01 ${String(i % 24).padStart(2, '0')}:00`;
    const selection = `s${Math.floor(i / 24)}`;
    return { taskId: taskIdFor(runId, selection, startDate), selection, startDate, endDate: startDate };
  });
  const plan: ConveyorEvent[] = [
    createEvent('run.planned', { ...base, data: { topologyId: 't', taskCount: TASKS, generation: 0 } }),
  ];
  for (let i = 0; i < TASKS; i += 1000)
    plan.push(
      createEvent('tasks.queued', { ...base, data: { tasks: tasks.slice(i, i + 1000), generation: 0 } }),
    );
  const work: { at: number; event: ConveyorEvent }[] = [];
  tasks.forEach((task, i) => {
    const t = { ...base, taskId: task.taskId };
    const now = new Date().toISOString();
    work.push({
      at: i,
      event: createEvent('task.started', {
        ...t,
        data: { attempt: 1, workerId: 'w', startedAt: now, generation: 0 },
      }),
    });
    work.push({
      at: i + IN_FLIGHT + 0.5,
      event: createEvent('task.finished', {
        ...t,
        data: {
          attempt: 1,
          workerId: 'w',
          finishedAt: now,
          durationMs: 12,
          summary: { cables: 400, overloaded: 3 },
          resultRows: 400,
          generation: 0,
        },
      }),
    });
  });
  return [...plan, ...work.sort((a, b) => a.at - b.at).map((w) => w.event)];
}

const runs = Number(process.argv[2] ?? 3);
const database = await createTestDatabase();
try {
  let events = 0;
  let ms = 0;
  for (let r = 0; r < runs; r++) {
    const ordered = runEvents();
    const start = performance.now();
    for (let i = 0; i < ordered.length; i += BATCH)
      await recordEvents(database.db, ordered.slice(i, i + BATCH));
    ms += performance.now() - start;
    events += ordered.length;
  }
  process.stdout.write(
    `recordEvents: ${events} events in batches of ${BATCH}: ${Math.round((events / ms) * 1000)} events/s (${(ms / (events / BATCH)).toFixed(1)} ms per batch)\n`,
  );
} finally {
  await database.close();
}
