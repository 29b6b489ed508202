export {
  ConfigError,
  databaseTimeouts,
  exitOnConfigError,
  flag,
  loadConfig,
  maxTasksPerRun,
  port,
  nonNegativeInt,
  positiveInt,
  sharedEnv,
  urlWith,
} from './config.js';
export { bootService } from './boot.js';
export { createLogger, redactUrl } from './logger.js';
export type { Logger } from './logger.js';
export { createMetricsRegistry, startHealthServer } from './health-server.js';
export type { HealthServer } from './health-server.js';
export { handleSignals, shutDown } from './shutdown.js';
export { serveService } from './serve-service.js';
export type { Intake } from './serve-service.js';
export type { ShutdownSteps } from './shutdown.js';
