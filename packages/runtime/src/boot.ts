import { exitOnConfigError } from './config.js';
import { createLogger, redactUrl, type Logger } from './logger.js';

type SharedConfig = { LOG_LEVEL: string; AMQP_URL: string; DATABASE_URL: string };

/**
 * A service's first steps: loads its configuration (a bad environment exits, naming the variables),
 * creates its logger (with `bindings`, e.g. the worker's id) and logs the start, URLs redacted.
 */
export function bootService<C extends SharedConfig>(
  service: string,
  load: (env: NodeJS.ProcessEnv) => C,
  bindings: (config: C) => Record<string, unknown> = () => ({}),
): { config: C; logger: Logger } {
  let config: C;
  try {
    config = load(process.env);
  } catch (error) {
    exitOnConfigError(error);
  }
  const logger = createLogger({ service, level: config.LOG_LEVEL }).child(bindings(config));
  logger.info({ amqp: redactUrl(config.AMQP_URL), database: redactUrl(config.DATABASE_URL) }, 'starting');
  return { config, logger };
}
