import {
  freePort,
  spawnService,
  waitUntilReady,
  type ServiceName,
  type ServiceProcess,
} from './processes.js';

export { freePort, type ServiceProcess } from './processes.js';

export type StackOptions = {
  /** Environment for every service: DATABASE_URL, AMQP_URL, CONVEYOR_NAMESPACE, … */
  env: NodeJS.ProcessEnv;
  workers: number;
  /** Services to start besides the workers (default: all of them). */
  services?: ServiceName[];
  onLine: (name: string, line: string) => void;
};

export type Stack = {
  processes: () => ServiceProcess[];
  /** Starts one more worker and waits until it is ready. */
  addWorker: (extraEnv?: NodeJS.ProcessEnv) => Promise<ServiceProcess>;
  /** Starts one more instance of a service (e.g. a second poller). */
  add: (service: ServiceName, extraEnv?: NodeJS.ProcessEnv) => Promise<ServiceProcess>;
  /** SIGTERM to every process, then waits for all of them to exit. Resolves with the exit codes by name. */
  stop: () => Promise<Record<string, number | null>>;
};

export const ALL_SERVICES: ServiceName[] = ['topology', 'leader', 'poller', 'gateway'];

/** Starts every service as a local process and waits until each answers `/readyz`. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const running: ServiceProcess[] = [];
  const counters: Partial<Record<ServiceName, number>> = {};

  const add = async (service: ServiceName, extraEnv: NodeJS.ProcessEnv = {}) => {
    const index = (counters[service] = (counters[service] ?? 0) + 1);
    const proc = spawnService({
      service,
      name: `${service}-${index}`,
      env: { ...options.env, ...extraEnv },
      healthPort: await freePort(),
      onLine: options.onLine,
    });
    running.push(proc);
    await waitUntilReady(proc);
    return proc;
  };

  const stop = async () => {
    for (const proc of running) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    const results = await Promise.all(
      running.map(async (proc) => [proc.name, (await proc.exited).code] as const),
    );
    return Object.fromEntries(results);
  };

  try {
    const services = options.services ?? ALL_SERVICES;
    await Promise.all([
      ...services.map((service) => add(service)),
      ...Array.from({ length: options.workers }, () => add('worker')),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { processes: () => [...running], addWorker: (env) => add('worker', env), add, stop };
}
