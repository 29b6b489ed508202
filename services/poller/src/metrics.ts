import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createPollerMetrics(registry: Registry) {
  return {
    events: new Counter({
      name: 'conveyor_poller_events_recorded_total',
      help: 'Events appended to the event store (duplicates excluded)',
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'conveyor_poller_duplicate_events_total',
      help: 'Events received that the store already had',
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'conveyor_poller_batch_size',
      help: 'Events per recorded batch',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    lag: new Histogram({
      name: 'conveyor_poller_event_lag_seconds',
      help: 'Time from an event occurring to its being recorded',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    completed: new Counter({
      name: 'conveyor_poller_runs_completed_total',
      help: 'Runs completed by this poller, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    stalled: new Gauge({
      name: 'conveyor_poller_stalled_tasks',
      help: 'Tasks STARTED with no heartbeat for longer than the stall timeout',
      registers: [registry],
    }),
  };
}
