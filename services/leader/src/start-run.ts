// `start-run`: the scheduled trigger (the CronJob). Publishes `run.requested` for the previous month and exits.
import { createBroker, createEvent, eventIdFor } from '@conveyor/messages';
import { createLogger, exitOnConfigError } from '@conveyor/runtime';
import { loadStartRunConfig, type StartRunConfig } from './config.js';
import { previousMonthWindow, scheduledRunId } from './domain/plan-run.js';

let config: StartRunConfig;
try {
  config = loadStartRunConfig(process.env);
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger({ service: 'leader', level: config.LOG_LEVEL });
const broker = await createBroker({ amqpUrl: config.AMQP_URL, namespace: config.CONVEYOR_NAMESPACE, logger });
const window = previousMonthWindow(new Date());
// The same schedule and month give the same run (and request event): a doubled CronJob starts one run.
const runId = scheduledRunId(config.START_RUN_SCHEDULE, window);
const selections =
  config.START_RUN_SELECTIONS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? null;
await broker.publishEvent(
  createEvent('run.requested', {
    id: eventIdFor(runId, 'run.requested'),
    runId,
    producer: 'leader',
    data: {
      window,
      chunk: config.START_RUN_CHUNK,
      selections,
      topologySource: config.START_RUN_TOPOLOGY,
      calculation: config.START_RUN_CALCULATION,
      requestedBy: 'schedule',
      ...(config.START_RUN_REUSE ? { reuse: true } : {}),
    },
  }),
);
logger.info({ runId, window }, 'scheduled run requested');
process.stdout.write(`${JSON.stringify({ runId })}\n`);
await broker.close();
