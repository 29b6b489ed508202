// 4. latency: from the last task.finished to run.completed (every Conveyor run of the bench), and from
// an event to a GraphQL subscriber of the run's events (over SSE, as a browser or the CLI receives it).
import { v4 as uuidv4 } from 'uuid';
import { subscribeGateway } from '../gateway.js';
import { percentile } from '../stats.js';
import type { BenchContext } from './context.js';
import type { Conveyor } from './conveyor-runs.js';

const RUN_EVENTS = `subscription RunEvents($runId: ID!) {
  runEvents(runId: $runId) { id type occurredAt }
}`;

/**
 * No-op runs, each followed by a subscriber from before it is requested: per event, received −
 * occurred (ms). The run's tasks.* events come as fast as two workers produce them: the worst case for
 * the gateway. The first run warms the services up (their code is compiled and optimised as it first
 * runs, as in any long-running service): it is reported apart and not counted.
 */
export async function benchSubscriptionLatency(context: BenchContext, conveyor: Conveyor) {
  const substations = context.quick ? 10 : 20; // × 100 days, one task per day and substation
  const tasks = substations * 100;
  let coldP50Ms = NaN;
  for (let i = -1; i < context.repeats; i++) {
    const runId = uuidv4();
    const delays: number[] = [];
    /** Events of the run as a whole (requested, planned, completed, …), not of one of its tasks. */
    const runDelays: number[] = [];
    const subscription = subscribeGateway<{ runEvents: { type: string; occurredAt: string } }>(
      conveyor.gatewayUrl,
      RUN_EVENTS,
      { runId },
      ({ runEvents: event }, receivedAt) => {
        const delay = receivedAt - Date.parse(event.occurredAt);
        delays.push(delay);
        if (!event.type.startsWith('task.')) runDelays.push(delay);
      },
    );
    try {
      await subscription.connected;
      const result = await conveyor.run(
        {
          topologySource: `synthetic:substations=${substations}&nodes=1&seed=1`,
          from: '2023-01-01 00:00',
          to: '2023-04-10 23:59',
          chunk: 'day',
          calculation: 'noop',
        },
        runId,
      );
      context.results.completionLatencies.push(result.completionLatencyMs);
      await subscription.done; // the gateway completes the stream after run.completed
    } finally {
      subscription.close();
      // After a failed run the stream ends with the abort of close(): that error says nothing.
      await subscription.done.catch(() => undefined);
    }
    if (i < 0) {
      coldP50Ms = percentile(delays, 50);
      context.log(`latency-subscription: warm-up run, p50 ${coldP50Ms} ms (not counted)`);
      continue;
    }
    context.results.add({
      scenario: 'latency-subscription',
      system: 'conveyor',
      tasks: delays.length,
      workers: 2,
      tasksPerSecond: NaN,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      details: {
        runLevelP50Ms: percentile(runDelays, 50),
        runLevelMaxMs: percentile(runDelays, 100),
        warmUpP50Ms: coldP50Ms,
      },
    });
    context.log(
      `latency-subscription: ${delays.length} events of a ${tasks}-task run, p50 ${percentile(delays, 50)} ms, p99 ${percentile(delays, 99)} ms; the ${runDelays.length} run-level events: p50 ${percentile(runDelays, 50)} ms, max ${percentile(runDelays, 100)} ms`,
    );
  }
}

/** Last task.finished → run.completed over every Conveyor run of the bench. */
export function addCompletionLatency(context: BenchContext) {
  const samples = context.results.completionLatencies;
  context.results.add({
    scenario: 'latency-completion',
    system: 'conveyor',
    tasks: samples.length,
    workers: 2,
    tasksPerSecond: NaN,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
  });
}
