// graphile-worker on the local PostgreSQL: a durable, SQL-backed job queue in Node. No-op jobs added
// in bulk with add_jobs, run by one worker process at the given concurrency, in a fresh schema.
import { Logger, makeWorkerUtils, run } from 'graphile-worker';

const BATCH = 1000; // jobs per add_jobs call

const LOUD_LEVELS = new Set<string>(['error', 'warning']);

/** Only warnings and errors: the worker logs a line per job otherwise. */
const quietLogger = new Logger(() => (level, message) => {
  if (LOUD_LEVELS.has(level)) process.stderr.write(`graphile-worker ${level}: ${message}\n`);
});

export async function graphileWorkerNoop(
  postgresUrl: string,
  tasks: number,
  concurrency = 20,
): Promise<{ ms: number }> {
  const schema = `bench_gw_${Math.random().toString(36).slice(2, 8)}`;
  const utils = await makeWorkerUtils({ connectionString: postgresUrl, schema, logger: quietLogger });
  try {
    await utils.migrate();
    const started = performance.now();
    let completed = 0;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const runner = await run({
      connectionString: postgresUrl,
      schema,
      concurrency,
      maxPoolSize: concurrency + 2,
      noHandleSignals: true,
      pollInterval: 1000, // ms; new jobs are announced with LISTEN/NOTIFY, polling is the fallback
      logger: quietLogger,
      taskList: { noop: () => undefined },
    });
    runner.events.on('job:success', () => {
      if (++completed === tasks) resolveDone();
    });
    for (let i = 0; i < tasks; i += BATCH) {
      const specs = Array.from({ length: Math.min(BATCH, tasks - i) }, (_, j) => ({
        identifier: 'noop',
        payload: { task: i + j },
      }));
      await utils.withPgClient((client) =>
        client.query(
          `SELECT ${schema}.add_jobs(ARRAY(SELECT json_populate_recordset(NULL::${schema}.job_spec, $1::json)))`,
          [JSON.stringify(specs)],
        ),
      );
    }
    await done;
    const ms = performance.now() - started;
    await runner.stop();
    return { ms };
  } finally {
    await utils.withPgClient((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    await utils.release();
  }
}
