// A real pipeline for end-to-end tests: a fresh database, a fresh broker namespace, the services as
// real processes started by the same code as `pnpm stack`.
import { createTestDatabase } from '@conveyor/db/testing';
import { getRun, hasCompleted, migrate } from '@conveyor/db';
import { createEvent, type Broker, type Chunk } from '@conveyor/messages';
import { createTestBroker, createTestNamespace } from '@conveyor/messages/testing';
import { createLogger } from '@conveyor/runtime';
import { v4 as uuidv4 } from 'uuid';
import { startStack, type Stack } from '../../src/stack/stack.js';
import type { ServiceName } from '../../src/stack/processes.js';

export type TestPipeline = Awaited<ReturnType<typeof startTestPipeline>>;
export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
export type TestNamespace = Awaited<ReturnType<typeof createTestNamespace>>;

export async function startTestPipeline(options: {
  workers: number;
  services?: ServiceName[];
  env?: NodeJS.ProcessEnv;
  /** A broker namespace made by the caller (e.g. in its own vhost); the pipeline cleans it up. */
  namespace?: TestNamespace;
  /** The services' DATABASE_URL, given the test database (e.g. a least-privileged user's). */
  serviceDatabaseUrl?: (database: TestDatabase) => Promise<string>;
}) {
  const database = await createTestDatabase();
  const namespace = options.namespace ?? (await createTestNamespace());
  await migrate(database.url);
  const logs: string[] = [];
  const env = {
    ...process.env,
    DATABASE_URL: options.serviceDatabaseUrl ? await options.serviceDatabaseUrl(database) : database.url,
    AMQP_URL: namespace.amqpUrl,
    CONVEYOR_NAMESPACE: namespace.namespace,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  let stack: Stack | undefined;
  let broker: Broker | undefined;
  const close = async () => {
    const codes = stack ? await stack.stop() : {};
    await broker?.close();
    await namespace.cleanup();
    await database.close();
    return codes;
  };
  try {
    stack = await startStack({
      env,
      workers: options.workers,
      services: options.services ?? ['topology', 'leader', 'poller'],
      onLine: (name, line) => logs.push(`${name} | ${line}`),
    });
    broker = await createTestBroker({
      amqpUrl: namespace.amqpUrl,
      namespace: namespace.namespace,
      logger: createLogger({ service: 'test', level: 'warn' }),
    });
  } catch (error) {
    await close();
    throw new Error(`pipeline did not start:\n${logs.slice(-40).join('\n')}`, { cause: error });
  }
  const readyBroker = broker;
  const readyStack = stack;

  const requestRun = async (request: {
    topologySource: string;
    from: string;
    to: string;
    chunk?: Chunk;
    selections?: string[] | null;
    calculation?: string;
  }) => {
    const runId = uuidv4();
    await readyBroker.publishEvent(
      createEvent('run.requested', {
        runId,
        producer: 'cli',
        data: {
          window: { start: request.from, end: request.to },
          chunk: request.chunk ?? 'month',
          selections: request.selections ?? null,
          topologySource: request.topologySource,
          calculation: request.calculation ?? 'grid-load',
          requestedBy: 'test',
        },
      }),
    );
    return runId;
  };

  /** Polls the projection until the run is terminal (SUCCEEDED, FAILED or CANCELLED). */
  const waitForRun = async (runId: string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const run = await getRun(database.db, runId);
      if (run && hasCompleted(run)) return run;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`run ${runId} did not finish within ${timeoutMs} ms:\n${logs.slice(-60).join('\n')}`);
  };

  return {
    database,
    namespace,
    env,
    logs,
    stack: readyStack,
    broker: readyBroker,
    requestRun,
    waitForRun,
    close,
  };
}
