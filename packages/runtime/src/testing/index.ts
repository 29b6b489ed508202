export {
  containerRuntimeAnswers,
  resolveTestServices,
  isListening,
  startMariaDbContainer,
  startRabbitMqContainer,
  LOCAL_AMQP_URL,
  LOCAL_DATABASE_URL,
} from './services.js';
export type { StartedService, TestServices } from './services.js';
export { checkForLeaks, closeLeaks, leakMark, openSince, trackResource } from './leaks.js';
export type { ResourceKind } from './leaks.js';
export { waitFor } from './wait-for.js';
