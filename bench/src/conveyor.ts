// Conveyor end to end: the real services as processes (as `pnpm stack` runs them), a fresh database
// and broker namespace, one run at a time, timed from the event store.
import { sql } from 'drizzle-orm';
import { v4 as uuidv4 } from 'uuid';
import { createDatabase, datetimeMs, getRun, hasCompleted, migrate } from '@conveyor/db';
import { createBroker, createEvent, type Chunk } from '@conveyor/messages';
import { deleteNamespace } from '@conveyor/messages/testing';
import { createLogger } from '@conveyor/runtime';
import { freePort, startStack, type Stack } from '@conveyor/cli/stack';
import { pidsNamed, type CpuGroups } from './cpu.js';
import { peakRssMb } from './stats.js';

type ServiceProcess = Awaited<ReturnType<Stack['addWorker']>>;

export type RunRequest = {
  topologySource: string;
  from: string;
  to: string;
  chunk: Chunk;
  calculation: string;
  /** Tasks per task message (DESIGN §2.2); absent: one task per message. */
  bundleSize?: number;
};

export async function startConveyor(options: {
  databaseUrl: string;
  amqpUrl: string;
  workers: number;
  env?: NodeJS.ProcessEnv;
  /** Start the gateway too (GraphQL at `gatewayUrl`). */
  gateway?: boolean;
}) {
  const namespace = `bench_${Math.random().toString(36).slice(2, 8)}`;
  const server = new URL(options.databaseUrl);
  server.pathname = `/conveyor_${namespace}`;
  const databaseUrl = server.toString();
  await migrate(databaseUrl);
  const database = createDatabase(databaseUrl);
  const logs: string[] = [];
  const gatewayPort = await freePort();
  const stack = await startStack({
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      AMQP_URL: options.amqpUrl,
      CONVEYOR_NAMESPACE: namespace,
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(gatewayPort),
      ...options.env,
    },
    workers: options.workers,
    services: options.gateway
      ? ['topology', 'leader', 'poller', 'gateway']
      : ['topology', 'leader', 'poller'],
    onLine: (name, line) => {
      logs.push(`${name} | ${line}`);
      if (logs.length > 200) logs.shift();
    },
  });
  const broker = await createBroker({
    amqpUrl: options.amqpUrl,
    namespace,
    logger: createLogger({ service: 'bench', level: 'warn' }),
  });

  /**
   * Requests a run and waits for run.completed; times come from the events' own clocks. Pass a
   * `runId` to follow the run (e.g. subscribe to it) before it is requested.
   */
  const run = async (request: RunRequest, runId: string = uuidv4(), timeoutMs = 30 * 60_000) => {
    await broker.publishEvent(
      createEvent('run.requested', {
        runId,
        producer: 'bench',
        data: {
          window: { start: request.from, end: request.to },
          chunk: request.chunk,
          selections: null,
          topologySource: request.topologySource,
          calculation: request.calculation,
          requestedBy: 'bench',
          ...(request.bundleSize ? { bundleSize: request.bundleSize } : {}),
        },
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await getRun(database.db, runId);
      if (row && hasCompleted(row)) break;
      if (Date.now() > deadline)
        throw new Error(`run ${runId} did not complete:\n${logs.slice(-30).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [rows] = (await database.db.execute(sql`
      SELECT
        (SELECT MIN(occurred_at) FROM run_events WHERE run_id = ${runId} AND type = 'run.requested') AS requested,
        -- A short task publishes no task.started (WORKER_STARTED_AFTER_MS): its start is its finish
        -- less its duration.
        (SELECT MIN(TIMESTAMPADD(MICROSECOND, -1000 * JSON_VALUE(data, '$.durationMs'), occurred_at))
          FROM run_events WHERE run_id = ${runId} AND type = 'task.finished') AS first_started,
        (SELECT MAX(occurred_at) FROM run_events WHERE run_id = ${runId} AND type = 'task.finished') AS last_finished,
        (SELECT MIN(occurred_at) FROM run_events WHERE run_id = ${runId} AND type = 'run.completed') AS completed,
        (SELECT COUNT(*) FROM run_process WHERE run_id = ${runId} AND task_status = 'FINISHED') AS finished,
        (SELECT status FROM runs WHERE id = ${runId}) AS status`)) as unknown as [
      Record<string, string | number>[],
    ];
    const r = rows[0]!;
    return {
      runId,
      status: String(r.status),
      finished: Number(r.finished),
      /** From run.requested to run.completed: what a user waits. */
      totalMs: datetimeMs(String(r.completed)) - datetimeMs(String(r.requested)),
      /** From the first task started to the last task finished: the workers' throughput window. */
      processingMs: datetimeMs(String(r.last_finished)) - datetimeMs(String(r.first_started)),
      /** From the last task.finished to run.completed (DESIGN §9 latency). */
      completionLatencyMs: datetimeMs(String(r.completed)) - datetimeMs(String(r.last_finished)),
    };
  };

  const peakRss = async () => {
    const byService: Record<string, number> = {};
    for (const proc of stack.processes()) {
      if (proc.child.pid)
        byService[proc.service] = Math.max(byService[proc.service] ?? 0, await peakRssMb(proc.child.pid));
    }
    return byService;
  };

  /** Finish times of the run's tasks (ms since the epoch, ascending), from the event store. */
  const finishTimes = async (runId: string): Promise<number[]> => {
    const [rows] = (await database.db.execute(sql`
      SELECT occurred_at AS at FROM run_events
      WHERE run_id = ${runId} AND type = 'task.finished' ORDER BY occurred_at`)) as unknown as [
      { at: string }[],
    ];
    return rows.map((row) => datetimeMs(row.at));
  };

  /** The processes whose CPU per task the bench reports: the shared daemons, the poller, the workers. */
  /** The processes whose CPU a run reports, by group; a service this stack does not run is left out. */
  const cpuGroups = async (): Promise<CpuGroups> => {
    const pidsOf = (service: string) =>
      stack
        .processes()
        .filter((proc) => proc.service === service && proc.child.pid)
        .map((proc) => proc.child.pid!);
    const groups: CpuGroups = {
      mariadbd: await pidsNamed('mariadbd'),
      rabbitmq: await pidsNamed('beam.smp'),
      poller: pidsOf('poller'),
      workers: pidsOf('worker'),
      leader: pidsOf('leader'),
      topology: pidsOf('topology'),
      gateway: pidsOf('gateway'),
    };
    return Object.fromEntries(Object.entries(groups).filter(([, pids]) => pids.length > 0));
  };

  /** Stops one process of the stack (a worker between runs), waiting for it to exit. */
  const stopProcess = async (proc: ServiceProcess) => {
    if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    await proc.exited;
  };

  const stop = async () => {
    await stack.stop();
    await broker.close();
    await database.db.execute(sql.raw(`DROP DATABASE IF EXISTS \`conveyor_${namespace}\``));
    await database.close();
    await deleteNamespace(options.amqpUrl, namespace);
  };
  return {
    run,
    peakRss,
    cpuGroups,
    finishTimes,
    addWorker: stack.addWorker,
    stopProcess,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    stop,
  };
}
