import type { EventType } from './events.js';
import type { NotificationType } from './notifications.js';

export type ServiceName = 'gateway' | 'cli' | 'topology' | 'leader' | 'worker' | 'poller';
/** The services that consume events from a durable queue of their own. */
export type EventConsumer = 'topology' | 'leader' | 'poller';

type Entry = { producers: ServiceName[]; consumers: ServiceName[] };

/**
 * Every message type: who publishes it and who consumes it. The broker topology (topology.ts) is
 * generated from this table: each consumer's queue is bound to the types it consumes.
 */
export const eventCatalogue: Record<EventType, Entry> = {
  'run.requested': { producers: ['gateway', 'cli', 'leader'], consumers: ['topology', 'poller', 'gateway'] },
  'topology.built': { producers: ['topology'], consumers: ['leader', 'poller', 'gateway'] },
  'topology.failed': { producers: ['topology'], consumers: ['poller', 'gateway'] },
  'run.planned': { producers: ['leader'], consumers: ['poller', 'gateway'] },
  'run.plan-failed': { producers: ['leader'], consumers: ['poller', 'gateway'] },
  'run.plan-published': { producers: ['leader'], consumers: ['poller', 'gateway'] },
  'tasks.queued': { producers: ['leader'], consumers: ['poller', 'gateway'] },
  'task.started': { producers: ['worker'], consumers: ['poller', 'gateway'] },
  'task.finished': { producers: ['worker'], consumers: ['poller', 'gateway'] },
  'task.failed': { producers: ['worker', 'leader'], consumers: ['poller', 'gateway'] },
  'task.cancelled': { producers: ['worker'], consumers: ['poller', 'gateway'] },
  'run.cancel-requested': { producers: ['gateway', 'cli'], consumers: ['poller', 'gateway'] },
  'run.cancelled': { producers: ['poller'], consumers: ['poller', 'gateway'] },
  'run.retry-requested': { producers: ['gateway', 'cli'], consumers: ['leader', 'poller', 'gateway'] },
  'run.completed': { producers: ['poller'], consumers: ['poller', 'gateway'] },
};

export const notificationCatalogue: Record<NotificationType, Entry> = {
  'run.progress': { producers: ['poller'], consumers: ['gateway'] },
  'task.heartbeat': { producers: ['worker'], consumers: ['poller', 'gateway'] },
  'worker.heartbeat': { producers: ['worker'], consumers: ['gateway'] },
};

/** The event types a consumer's queue is bound to. */
export function eventTypesConsumedBy(consumer: ServiceName): EventType[] {
  return (Object.entries(eventCatalogue) as [EventType, Entry][])
    .filter(([, entry]) => entry.consumers.includes(consumer))
    .map(([type]) => type);
}
