export { EnvelopeHeader, IsoTimestamp, KNOWN_VERSIONS, TaskDate } from './envelope.js';
export {
  Chunk,
  ConveyorEvent,
  EVENT_TYPES,
  ErrorKind,
  QueuedTask,
  RunStatus,
  TaskCounts,
  TaskStatus,
  TerminalRunStatus,
  eventDataSchemas,
} from './events.js';
export type { EventData, EventOf, EventType } from './events.js';
export { TaskMessage } from './task.js';
export { ConveyorNotification, notificationDataSchemas } from './notifications.js';
export type { NotificationType } from './notifications.js';
export { CONVEYOR_ID_NAMESPACE, eventIdFor, taskIdFor } from './ids.js';
export { createEvent } from './create-event.js';
export { createNotification } from './create-notification.js';
