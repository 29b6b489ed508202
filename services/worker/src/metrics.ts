import { Counter, Histogram, type Registry } from 'prom-client';

export function createWorkerMetrics(registry: Registry) {
  return {
    tasks: new Counter({
      name: 'conveyor_worker_tasks_total',
      help: 'Tasks processed by outcome',
      labelNames: ['calculation', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'conveyor_worker_task_duration_seconds',
      help: 'Time to compute and record one task',
      labelNames: ['calculation'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
  };
}
