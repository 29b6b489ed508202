export { EnvelopeHeader, IsoTimestamp, KNOWN_VERSIONS, TaskDate } from './envelope.js';
export {
  ActiveRunStatus,
  Chunk,
  ConveyorEvent,
  EVENT_TYPES,
  ErrorKind,
  PlanRequest,
  QueuedTask,
  RunStatus,
  TaskCounts,
  TaskStatus,
  TerminalRunStatus,
  eventDataSchemas,
  isTerminalRunStatus,
} from './events.js';
export type { EventData, EventOf, EventType } from './events.js';
export {
  BundledTask,
  MAX_BUNDLE_SIZE,
  TaskBundle,
  TaskMessage,
  bundleTasks,
  isTaskBundle,
  unbundle,
} from './task.js';
export type { TaskPayload } from './task.js';
export {
  ConveyorNotification,
  OfferedCalculation,
  WORKER_NOTIFICATION_RUN_ID,
  WorkerHeartbeatData,
  notificationDataSchemas,
} from './notifications.js';
export type { NotificationType } from './notifications.js';
export { CONVEYOR_ID_NAMESPACE, eventIdFor, taskIdFor } from './ids.js';
export { createEvent } from './create-event.js';
export { createNotification } from './create-notification.js';
export { eventCatalogue, eventTypesConsumedBy, notificationCatalogue } from './catalogue.js';
export type { EventConsumer, ServiceName } from './catalogue.js';
export { brokerNames } from './names.js';
export type { BrokerNames } from './names.js';
export { DEFAULT_DELIVERY_LIMIT, EVENT_CONSUMERS, createBrokerConfig, eventRoutingKeys } from './topology.js';
export type { TopologyOptions } from './topology.js';
export { createBroker } from './broker.js';
export type { Broker, BrokerOptions, PublicationName, PublishOptions } from './broker.js';
export type { Subscription } from './consumer.js';
export { deleteNamespace, namespaceEntities, purgeNamespace } from './namespace.js';
export type { NamespaceOptions } from './namespace.js';
export { PermanentError, TransientError, classifyError, errorMessage } from './errors.js';
export type { ErrorKindName } from './errors.js';
export { ATTEMPT_HEADER } from './subscribe-tasks.js';
export type { FailureDecision, TaskContext, TaskSubscriptionOptions } from './subscribe-tasks.js';
export type { EventContext, EventSubscriptionOptions } from './subscribe-events.js';
export type { BatchSubscriptionOptions } from './subscribe-batches.js';
export type { FeedSubscriptionOptions } from './subscribe-feed.js';
export type { DeadTask, DeadTaskSubscriptionOptions } from './subscribe-dead-tasks.js';
export {
  MAX_MESSAGE_BYTES,
  parseEvent,
  parseEventDelivery,
  parseNotification,
  parseTask,
  parseTaskPayload,
} from './parse.js';
export type { DeliveredEvent, Parsed } from './parse.js';
export { BATCHABLE_TYPES, BATCH_ROUTING_KEY, BATCH_TYPE, MAX_BATCH_EVENTS } from './batch.js';
export { BOUNDS, assertMessageSize, messageBytes } from './bounds.js';
export { MAX_REASON_CHARS, listProblems, truncateText } from './truncate.js';
export { retryWithBackoff } from './retry-with-backoff.js';
export type { RetryOptions, RetryOutcome } from './retry-with-backoff.js';
export { RATE_WINDOW_MS, computeProgress, rateWindow, windowRate } from './progress.js';
export type { RateWindow, RunProgress } from './progress.js';
