/** Every exchange and queue name of a namespace (DESIGN §2). */
export function brokerNames(namespace: string) {
  const ns = namespace;
  return {
    eventsExchange: `${ns}.events`,
    tasksExchange: `${ns}.tasks`,
    notificationsExchange: `${ns}.notifications`,
    /** Dead letters of every queue, routed by the queue's name to `<queue>.dead`. */
    deadExchange: `${ns}.dead`,
    tasksQueue: `${ns}.tasks`,
    tasksDeadQueue: `${ns}.tasks.dead`,
    /** Copies of the tasks' dead letters, for the watcher that turns them into final task.failed. */
    tasksDeadWatchQueue: `${ns}.tasks.dead-watch`,
    /** Retries wait here (per-message TTL), then dead-letter back to the tasks exchange. */
    tasksDelayQueue: `${ns}.tasks.delay`,
    /** Routing key of task messages on the tasks exchange. */
    taskRoutingKey: 'task',
    eventsQueue: (consumer: string) => `${ns}.${consumer}.events`,
    heartbeatsQueue: `${ns}.poller.heartbeats`,
    /** A gateway replica's own queue of events and notifications. */
    gatewayQueue: (replicaId: string) => `${ns}.gateway.${replicaId}`,
    deadQueue: (queue: string) => `${queue}.dead`,
  };
}
export type BrokerNames = ReturnType<typeof brokerNames>;
