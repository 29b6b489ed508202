// Bad and repeated messages: poison goes to a dead-letter queue with its reason; duplicates of tasks
// and events, a replayed plan and a second poller change nothing in the outcome.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { brokerNames } from '@conveyor/messages';
import { readDeadLetters } from '@conveyor/messages/testing';
import { slowGridRequest, startFaultPipeline, type FaultPipeline } from './support/pipeline.js';
import {
  checkRun,
  crashed,
  expectIntact,
  queryRows,
  replayRecordedEvents,
  report,
  terminalMs,
  waitForFinishedTasks,
} from './support/checks.js';

const request = slowGridRequest(17);
const env = { SLOW_TASK_MS: '150', WORKER_CONCURRENCY: '2' };
const oversized = Buffer.from(JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));

/** Waits until `queue` holds `count` dead letters, then takes them. */
async function deadLetters(p: FaultPipeline, queue: string, count: number) {
  const letters: Awaited<ReturnType<typeof readDeadLetters>> = [];
  for (let i = 0; i < 300 && letters.length < count; i++) {
    letters.push(...(await readDeadLetters(p.namespace.amqpUrl, queue)));
    if (letters.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return letters;
}

describe('poison and duplicate messages', () => {
  it('poison messages are dead-lettered with their reason while a run goes on unharmed', async () => {
    const pipeline = await startFaultPipeline({ workers: 2, env });
    const p = pipeline;
    const names = brokerNames(p.namespace.namespace);
    const runId = await p.requestRun(request);
    await waitForFinishedTasks(p, runId, 5);

    // Tasks: not JSON, schema-invalid, oversized, and a valid task of a calculation nobody has.
    await p.broker.publishRaw('tasks', Buffer.from('{"run_id": '));
    await p.broker.publishRaw('tasks', { run_id: 'not-a-uuid', selection: '' });
    await p.broker.publishRaw('tasks', oversized);
    // Events (to every consumer of task.finished): not JSON, unknown version, schema-invalid, oversized.
    const envelope = {
      id: '00000000-0000-4000-8000-000000000001',
      type: 'task.finished',
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'attacker',
      runId,
      taskId: '00000000-0000-4000-8000-000000000002',
      data: {},
    };
    const routingKey = 'task.finished';
    await p.broker.publishRaw('events', Buffer.from('<xml/>'), { routingKey });
    await p.broker.publishRaw('events', { ...envelope, version: 99 }, { routingKey });
    await p.broker.publishRaw('events', envelope, { routingKey });
    await p.broker.publishRaw('events', oversized, { routingKey });
    const poisonedAt = new Date();

    const run = await p.waitForRun(runId);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 120);

    // Two workers dead-letter the poison tasks, each on its own channel: in no particular order.
    const taskLetters = await deadLetters(p, names.tasksDeadQueue, 3);
    expect(taskLetters.map((letter) => String(letter.headers['x-conveyor-reason'])).sort()).toEqual([
      expect.stringMatching(/^invalid task: run_id/),
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^oversized/),
    ]);
    const eventLetters = await deadLetters(p, names.deadQueue(names.eventsQueue('poller')), 4);
    expect(eventLetters.map((letter) => String(letter.headers['x-conveyor-reason'])).sort()).toEqual([
      expect.stringMatching(/^invalid task\.finished: data/),
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^oversized/),
      'unknown version 99 of task.finished',
    ]);
    // The bad messages were not recorded; nothing waits unacked in a live queue.
    const [recorded] = await queryRows(
      p,
      sql`SELECT COUNT(*) AS n FROM run_events WHERE producer = 'attacker'`,
    );
    expect(Number(recorded?.n)).toBe(0);
    expect(crashed(p)).toEqual([]);
    await report('7 poison messages (not JSON, schema-invalid, unknown version, oversized) mid-run', check, {
      terminalMs: await terminalMs(p, runId, poisonedAt),
      outcome: `${run.status}; ${taskLetters.length + eventLetters.length} dead-lettered with reasons`,
    });
  });

  it('every task delivered twice, every event published twice and a second poller: the same outcome', async () => {
    const pipeline = await startFaultPipeline({ workers: 2, env });
    const p = pipeline;
    const runId = await p.requestRun(request);
    await waitForFinishedTasks(p, runId, 5);
    await p.stack.add('poller');

    // Every task of the plan again, as a duplicate delivery would bring it.
    const [runRow] = await queryRows(p, sql`SELECT topology_id FROM runs WHERE id = ${runId}`);
    const tasks = await queryRows(
      p,
      sql`SELECT task_id, selection, start_date, end_date FROM run_process WHERE run_id = ${runId}`,
    );
    expect(tasks).toHaveLength(120);
    await p.broker.publishTasks(
      tasks.map((task) => ({
        run_id: runId,
        task_id: String(task.task_id),
        selection: String(task.selection),
        start_date: String(task.start_date),
        end_date: String(task.end_date),
        topology_id: String(runRow!.topology_id),
        calculation: request.calculation,
        generation: 0,
      })),
    );
    // Every event recorded so far again (run.requested, run.planned, the tasks.queued batches, …).
    const replayed = await replayRecordedEvents(p, runId);
    const replayedAt = new Date();

    await p.waitForRun(runId);
    // Every duplicate delivery computed (one more task.finished each), even after the run completed.
    let finishedEvents = 0;
    for (let i = 0; i < 600 && finishedEvents < 240; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      const [finished] = await queryRows(
        p,
        sql`SELECT COUNT(*) AS n FROM run_events WHERE run_id = ${runId} AND type = 'task.finished'`,
      );
      finishedEvents = Number(finished?.n);
    }
    expect(finishedEvents).toBeGreaterThanOrEqual(240);
    const run = await p.waitForRun(runId);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    // Every partition written once per computation (twice each), and with two pollers `run.completed`
    // published once (counted on the broker: the event store would keep one of several copies).
    const [writes] = await queryRows(
      p,
      sql`SELECT SUM(writes) AS n, MIN(writes) AS least FROM task_results WHERE run_id = ${runId}`,
    );
    expect([Number(writes?.n), Number(writes?.least)]).toEqual([finishedEvents, 2]);
    expectIntact(check, 120);
    // Each recorded event once: the replayed ones were recognised by their ids.
    const [distinct] = await queryRows(
      p,
      sql`SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS ids FROM run_events WHERE run_id = ${runId}`,
    );
    expect(Number(distinct?.n)).toBe(Number(distinct?.ids));
    expect(crashed(p)).toEqual([]);
    await report(
      `duplicates: 120 tasks delivered twice, ${replayed} events replayed, a second poller`,
      check,
      { terminalMs: await terminalMs(p, runId, replayedAt) },
    );
  });
});
