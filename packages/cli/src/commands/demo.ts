import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import {
  countTasksByStatus,
  createDatabase,
  getRun,
  migrate,
  streamTaskResults,
  summarizeResults,
} from '@conveyor/db';
import { RESULT_CSV_HEADER, formatResultRow } from '@conveyor/grid';
import { createBroker, createEvent } from '@conveyor/messages';
import { createLogger, redactUrl } from '@conveyor/runtime';
import { isListening } from '@conveyor/runtime/testing';
import { amqpUrlFromEnv, databaseUrlFromEnv } from '../environment.js';
import { createProgress } from '../progress.js';
import type { Command } from '../registry.js';
import { createLinePrinter } from '../stack/line-printer.js';
import { startStack } from '../stack/stack.js';

const REQUEST = {
  topologySource: 'synthetic:substations=24&nodes=400&seed=7',
  window: { start: '2023-01-01 00:00', end: '2023-03-31 23:59' },
  chunk: 'month' as const,
};

/** Fails early, saying how to start what is missing. */
async function checkServices(databaseUrl: string, amqpUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const db = new URL(databaseUrl);
  const amqp = new URL(amqpUrl);
  if (!(await isListening(db.hostname, Number(db.port || 3306)))) {
    problems.push(
      `MySQL/MariaDB does not answer at ${db.hostname}:${db.port || 3306} (DATABASE_URL=${redactUrl(databaseUrl)}).\n` +
        '  Start it, e.g. `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`, or `docker run -d -p 3306:3306 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes mysql:8.4`',
    );
  }
  if (!(await isListening(amqp.hostname, Number(amqp.port || 5672)))) {
    problems.push(
      `RabbitMQ does not answer at ${amqp.hostname}:${amqp.port || 5672} (AMQP_URL=${redactUrl(amqpUrl)}).\n` +
        '  Start it, e.g. `rabbitmq-server -detached`, or `docker run -d -p 5672:5672 rabbitmq:3.13-management`',
    );
  }
  return problems;
}

export const demoCommand: Command = {
  summary:
    'migrate, start the stack with 2 workers, run a quarter of 2023 on 24 substations, follow it, stop',
  run: async () => {
    const databaseUrl = databaseUrlFromEnv();
    const amqpUrl = amqpUrlFromEnv();
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const problems = await checkServices(databaseUrl, amqpUrl);
    if (problems.length) {
      process.stderr.write(`conveyor demo cannot start:\n${problems.join('\n')}\n`);
      return 1;
    }
    say(`migrating ${redactUrl(databaseUrl)}`);
    await migrate(databaseUrl);
    say('starting topology, leader, poller, gateway and 2 workers…');
    const print = createLinePrinter(process.stderr);
    const namespace = process.env.CONVEYOR_NAMESPACE || 'conveyor';
    const stack = await startStack({
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        AMQP_URL: amqpUrl,
        CONVEYOR_NAMESPACE: namespace,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      workers: 2,
      onLine: print,
    });
    const database = createDatabase(databaseUrl);
    const broker = await createBroker({
      amqpUrl,
      namespace,
      logger: createLogger({ service: 'demo', level: 'warn' }),
    });
    try {
      const runId = uuidv4();
      say(
        `requesting run ${runId}: ${REQUEST.topologySource}, ${REQUEST.window.start} → ${REQUEST.window.end}, chunk ${REQUEST.chunk}`,
      );
      await broker.publishEvent(
        createEvent('run.requested', {
          runId,
          producer: 'cli',
          data: { ...REQUEST, selections: null, calculation: 'grid-load', requestedBy: 'demo' },
        }),
      );

      let progress: ReturnType<typeof createProgress> | undefined;
      let run = await getRun(database.db, runId);
      while (!(run?.completionPublished && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status))) {
        await new Promise((r) => setTimeout(r, 250));
        run = await getRun(database.db, runId);
        const counts = await countTasksByStatus(database.db, runId);
        if (run?.taskCount) {
          progress ??= createProgress('run', run.taskCount);
          progress.update(counts.finished + counts.failed + counts.cancelled);
        }
      }
      progress?.stop();

      const counts = await countTasksByStatus(database.db, runId);
      const results = await summarizeResults(database.db, runId);
      await mkdir('out', { recursive: true });
      const csvPath = resolve('out', `demo-${runId}.csv`);
      const csv = createWriteStream(csvPath);
      csv.write(`${RESULT_CSV_HEADER}\n`);
      for await (const row of streamTaskResults(database.db, runId)) {
        if (!csv.write(`${formatResultRow(row)}\n`)) await once(csv, 'drain');
      }
      csv.end();
      await once(csv, 'finish');
      const seconds =
        run.requestedAt && run.completedAt
          ? (Date.parse(`${run.completedAt.replace(' ', 'T')}Z`) -
              Date.parse(`${run.requestedAt.replace(' ', 'T')}Z`)) /
            1000
          : NaN;
      say('');
      say(`run ${runId}: ${run.status}${run.reason ? ` (${run.reason})` : ''}`);
      say(
        `  tasks:             ${counts.finished} finished, ${counts.failed} failed, ${counts.cancelled} cancelled of ${counts.total}`,
      );
      say(`  duration:          ${seconds.toFixed(1)} s`);
      say(
        `  cables:            ${results.rows} results, ${results.overloadedCables} distinct cables overloaded`,
      );
      say(`  max utilization:   ${results.maxUtilization?.toFixed(3) ?? '—'}`);
      say(`  results CSV:       ${csvPath}`);
      say(
        `  GraphQL:           http://127.0.0.1:${process.env.GATEWAY_PORT || 4000}/graphql (while a stack runs: pnpm stack)`,
      );
      return run.status === 'SUCCEEDED' ? 0 : 1;
    } finally {
      await broker.close();
      await database.close();
      say('stopping the stack…');
      await stack.stop();
    }
  },
};
