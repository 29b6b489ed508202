import { Piscina } from 'piscina';

/** Runs `input` through the default export of the thread module `filename`; `signal` terminates it. */
export type RunInThread = <T>(filename: string, input: unknown, signal: AbortSignal) => Promise<T>;

/**
 * The worker's threads for CPU-bound calculations: up to `threads` of them (WORKER_CONCURRENCY), one
 * task each at a time, so that a task never waits in the pool for a slot the subscription gave it.
 * One starts with the pool, the others when tasks need them, and then stay: a worker whose slots
 * run only I/O-bound calculations (on the main thread) does not start 64 threads for 64 slots. Threads
 * inherit the process's `execArgv`: under `tsx` a `.ts` thread module runs as it is. Aborting a task's
 * signal terminates its thread (a running calculation cannot see another thread's signal); the pool
 * starts a fresh one. `close` lets running tasks finish.
 */
export function createThreadPool(threads: number) {
  const pool = new Piscina({
    minThreads: Math.min(1, threads),
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY, // threads keep their built topologies between tasks
  });
  const runInThread: RunInThread = <T>(filename: string, input: unknown, signal: AbortSignal) =>
    pool.run(input, { filename, signal }) as Promise<T>;
  return { runInThread, close: () => pool.close() };
}
