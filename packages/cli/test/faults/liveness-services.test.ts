// Every run ends (DESIGN §7, liveness) when the services around its plan fail: the poller paused or
// restarted while the run is planned, the leader killed mid-publish, the topology service killed
// mid-build, a poller killed between claiming a completion and publishing it, an unstorable event.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { v4 as uuidv4 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { brokerNames, createEvent } from '@conveyor/messages';
import { createEventTap, queueDepth, readDeadLetters } from '@conveyor/messages/testing';
import { waitFor } from '@conveyor/runtime/testing';
import type { ServiceProcess } from '../../src/stack/processes.js';
import { slowGridRequest, startFaultPipeline, type FaultPipeline } from './support/pipeline.js';
import {
  checkRun,
  crashed,
  expectIntact,
  queryRows,
  recoveryMs,
  report,
  terminalMs,
  type RunRequest,
} from './support/checks.js';

const PAUSE_MS = 15_000;
const env = { SLOW_TASK_MS: '50', WORKER_CONCURRENCY: '2' };

// 3 substations × 3 months: 9 grid-load tasks, compared with the monolith.
const small: RunRequest = {
  topologySource: 'synthetic:substations=3&nodes=12&seed=53',
  from: '2023-01-01 00:00',
  to: '2023-03-31 23:59',
  chunk: 'month',
  calculation: 'grid-load',
};

/** The live process of a service (the first, when there are several). */
function live(p: FaultPipeline, service: string): ServiceProcess {
  const proc = p.stack.processes().find((x) => x.service === service && x.child.exitCode === null);
  if (!proc) throw new Error(`no live ${service}`);
  return proc;
}

async function kill(proc: ServiceProcess) {
  proc.child.kill('SIGKILL');
  await proc.exited;
}

/** Result partitions the workers wrote for the run (they write them directly, not via the poller). */
async function partitions(p: FaultPipeline, runId: string) {
  const [row] = await queryRows(p, sql`SELECT COUNT(*) AS n FROM task_results WHERE run_id = ${runId}`);
  return Number(row?.n);
}

describe('liveness when services fail around a plan', () => {
  it('the poller paused (SIGSTOP) for 15 s while a run is requested and planned: it SUCCEEDS', async () => {
    const p = await startFaultPipeline({ workers: 2, env });
    const poller = live(p, 'poller');
    const request = slowGridRequest(41);
    poller.child.kill('SIGSTOP');
    const runId = await p.requestRun(request);
    await sleep(PAUSE_MS);
    // The plan did not wait for the poller: its tasks were computed while it slept.
    expect(await partitions(p, runId)).toBeGreaterThan(0);
    poller.child.kill('SIGCONT');
    const resumedAt = new Date();

    const run = await p.waitForRun(runId, 180_000);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 120);
    expect(crashed(p)).toEqual([]);
    await report('poller paused (SIGSTOP) for 15 s while the run was requested and planned', check, {
      recoveryMs: await recoveryMs(p, runId, resumedAt),
      terminalMs: await terminalMs(p, runId, resumedAt),
      outcome: `${run.status}; planned and computed while the poller slept`,
    });
  });

  it('the poller killed and replaced while a run is requested and planned: it SUCCEEDS', async () => {
    const p = await startFaultPipeline({ workers: 2, env });
    const poller = live(p, 'poller');
    const request = slowGridRequest(43);
    await kill(poller);
    const runId = await p.requestRun(request);
    await waitFor(
      async () => ((await partitions(p, runId)) > 0 ? true : undefined),
      'a task computed',
      120_000,
    );
    await p.stack.add('poller');
    const replacedAt = new Date();

    const run = await p.waitForRun(runId, 180_000);
    const check = await checkRun(p, runId, request);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 120);
    expect(crashed(p, new Set([poller.name]))).toEqual([]);
    await report('poller SIGKILLed while the run was requested and planned, then replaced', check, {
      recoveryMs: await recoveryMs(p, runId, replacedAt),
      terminalMs: await terminalMs(p, runId, replacedAt),
    });
  });

  it('the leader SIGKILLed mid-publish of a 5,000-task plan, a new one started: every task runs', async () => {
    // 50 substations × 100 days = 5,000 `tagged` tasks (no computation); small publish batches, and no
    // worker until the new leader is up, so that the queue shows how far the first leader got.
    const plan: RunRequest = {
      topologySource: 'synthetic:substations=50&nodes=4&seed=47',
      from: '2023-01-01 00:00',
      to: '2023-04-10 23:59',
      chunk: 'day',
      calculation: 'tagged',
    };
    const p = await startFaultPipeline({ workers: 0, env: { LEADER_PUBLISH_BATCH: '25' } });
    const { amqpUrl, namespace } = p.namespace;
    const published = await createEventTap(amqpUrl, namespace, ['run.plan-published']);
    try {
      const leader = live(p, 'leader');
      const runId = await p.requestRun(plan);
      const tasksQueue = brokerNames(namespace).tasksQueue;
      await waitFor(
        async () => ((await queueDepth(amqpUrl, tasksQueue)) >= 1000 ? true : undefined),
        '1,000 task messages on the queue',
        120_000,
      );
      await kill(leader);
      // Killed mid-plan: the plan was never declared complete.
      expect(await published.count('run.plan-published', runId)).toBe(0);
      const depthAtKill = await queueDepth(amqpUrl, tasksQueue);
      await Promise.all([
        p.stack.add('leader'),
        p.stack.addWorker({ WORKER_CONCURRENCY: '8' }),
        p.stack.addWorker({ WORKER_CONCURRENCY: '8' }),
      ]);
      const replacedAt = new Date();

      const run = await p.waitForRun(runId, 280_000);
      const check = await checkRun(p, runId);
      expect(run.status).toBe('SUCCEEDED');
      expectIntact(check, 5000);
      // The new leader published the plan again, and completely.
      expect(await published.count('run.plan-published', runId)).toBe(1);
      expect(crashed(p, new Set([leader.name]))).toEqual([]);
      await report(
        `leader SIGKILLed mid-publish of 5,000 tasks (${depthAtKill} on the queue), replaced`,
        check,
        {
          recoveryMs: await recoveryMs(p, runId, replacedAt),
          terminalMs: await terminalMs(p, runId, replacedAt),
          outcome: `${run.status}; the plan published again by the new leader`,
        },
      );
    } finally {
      await published.close();
    }
  });

  it('the topology service SIGKILLed while it builds 100,000 nodes, then restarted: the run SUCCEEDS', async () => {
    // 100 substations × 1,000 nodes (~3 s to generate and validate here), one month: 100 `tagged` tasks.
    const huge: RunRequest = {
      topologySource: 'synthetic:substations=100&nodes=1000&seed=59',
      from: '2023-01-01 00:00',
      to: '2023-01-31 23:59',
      chunk: 'month',
      calculation: 'tagged',
    };
    const p = await startFaultPipeline({ workers: 1 });
    const { amqpUrl, namespace } = p.namespace;
    const built = await createEventTap(amqpUrl, namespace, ['topology.built', 'topology.failed']);
    try {
      const topology = live(p, 'topology');
      const runId = await p.requestRun(huge);
      await waitFor(
        async () => {
          const [row] = await queryRows(
            p,
            sql`SELECT 1 AS recorded FROM run_events WHERE run_id = ${runId} AND type = 'run.requested'`,
          );
          return row ? true : undefined;
        },
        'run.requested recorded',
        120_000,
      );
      await sleep(1000); // into the build: the topology service took run.requested as the poller did
      await kill(topology);
      // Killed mid-build: nothing was stored, nothing published.
      const [stored] = await queryRows(p, sql`SELECT COUNT(*) AS n FROM topologies`);
      expect(Number(stored?.n)).toBe(0);
      expect((await built.read()).filter((event) => event.runId === runId)).toEqual([]);
      await p.stack.add('topology');
      const restartedAt = new Date();

      const run = await p.waitForRun(runId, 240_000);
      const check = await checkRun(p, runId);
      expect(run.status).toBe('SUCCEEDED');
      expectIntact(check, 100);
      expect(await built.count('topology.built', runId)).toBe(1);
      expect(crashed(p, new Set([topology.name]))).toEqual([]);
      await report('topology service SIGKILLed while building 100,000 nodes, restarted', check, {
        recoveryMs: await recoveryMs(p, runId, restartedAt),
        terminalMs: await terminalMs(p, runId, restartedAt),
      });
    } finally {
      await built.close();
    }
  });

  it('a poller SIGKILLed between claiming a completion and publishing it: the other publishes it once', async () => {
    // Both pollers pause 2 minutes after a claim (either may claim); the survivor's safety net
    // republishes what the claimer left unpublished.
    const failpoint = { POLLER_FAILPOINT_CLAIM_PAUSE_MS: '120000', POLLER_INTERVAL_MS: '500' };
    const p = await startFaultPipeline({ workers: 2, env: failpoint });
    await p.stack.add('poller', failpoint);
    const runId = await p.requestRun(small);
    const claimer = await waitFor(
      async () => {
        const line = p.logs.find(
          (l) => l.includes('failpoint: pausing after the claim') && l.includes(runId),
        );
        return line?.split(' | ')[0];
      },
      'a poller claiming the completion',
      120_000,
    );
    const victim = p.stack.processes().find((proc) => proc.name === claimer)!;
    await kill(victim);
    const killedAt = new Date();

    const run = await p.waitForRun(runId);
    await sleep(2000); // four safety-net polls: a second publish would have come by now
    const check = await checkRun(p, runId, small);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 9); // run.completed counted once on the broker
    const survivor = p.stack.processes().find((proc) => proc.service === 'poller' && proc !== victim)!;
    expect(
      p.logs.some((l) => l.startsWith(`${survivor.name} |`) && l.includes('republished a completion')),
    ).toBe(true);
    expect(crashed(p, new Set([victim.name]))).toEqual([]);
    await report(
      'poller SIGKILLed between claiming a completion and publishing it, a second running',
      check,
      {
        recoveryMs: await recoveryMs(p, runId, killedAt),
        terminalMs: await terminalMs(p, runId, killedAt),
        outcome: `${run.status}; run.completed published once, by the other poller`,
      },
    );
  });

  it('an event valid by schema but unstorable, then a normal run: it SUCCEEDS, the event is dead-lettered', async () => {
    const p = await startFaultPipeline({ workers: 2 });
    // runs.task_count is an INT: 3e9 is out of range, though the schema takes any count.
    const bad = createEvent('run.planned', {
      runId: uuidv4(),
      producer: 'leader',
      data: { topologyId: 'topology-x', taskCount: 3_000_000_000, generation: 0 },
    });
    await p.broker.publishEvent(bad);
    const publishedAt = new Date();
    const runId = await p.requestRun(small);

    const run = await p.waitForRun(runId);
    const check = await checkRun(p, runId, small);
    expect(run.status).toBe('SUCCEEDED');
    expectIntact(check, 9);
    const names = brokerNames(p.namespace.namespace);
    const letters = await waitFor(
      async () => {
        const read = await readDeadLetters(p.namespace.amqpUrl, names.deadQueue(names.eventsQueue('poller')));
        return read.length > 0 ? read : undefined;
      },
      'the dead letter',
      120_000,
    );
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]!.content)).toMatchObject({ id: bad.id });
    expect(String(letters[0]!.headers['x-conveyor-reason'])).toMatch(
      /^the database refused the event: ER_WARN_DATA_OUT_OF_RANGE \(1264\): Out of range value for column 'task_count'/,
    );
    const [stored] = await queryRows(p, sql`SELECT COUNT(*) AS n FROM run_events WHERE event_id = ${bad.id}`);
    expect(Number(stored?.n)).toBe(0);
    expect(crashed(p)).toEqual([]);
    await report('an unstorable event (run.planned, taskCount 3e9), then a normal run', check, {
      recoveryMs: await recoveryMs(p, runId, publishedAt),
      terminalMs: await terminalMs(p, runId, publishedAt),
      outcome: `${run.status}; the event dead-lettered with the SQL error`,
    });
  });
});
