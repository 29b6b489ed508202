import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { trackResource } from '@conveyor/runtime/testing';

/** The repository root, from this file's place in packages/cli/src/stack (or packages/cli/dist/stack). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export type ServiceName = 'topology' | 'leader' | 'worker' | 'poller' | 'gateway';

/** The variable that sets each service's health/metrics port. */
export const healthPortVariable: Record<ServiceName, string> = {
  topology: 'TOPOLOGY_HEALTH_PORT',
  leader: 'LEADER_HEALTH_PORT',
  worker: 'WORKER_HEALTH_PORT',
  poller: 'POLLER_HEALTH_PORT',
  gateway: 'GATEWAY_HEALTH_PORT',
};

export type ServiceProcess = {
  name: string;
  service: ServiceName;
  healthPort: number;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts one service from its TypeScript source (no build step), the way `pnpm stack` does.
 * Each output line goes to `onLine` with the process name. Until it exits, the child counts as open
 * for the tests' leak guard (startStack is how tests start services; outside tests nothing looks).
 */
export function spawnService(options: {
  service: ServiceName;
  name: string;
  env: NodeJS.ProcessEnv;
  healthPort: number;
  onLine: (name: string, line: string) => void;
}): ServiceProcess {
  const main = `${repoRoot}services/${options.service}/src/main.ts`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@conveyor/source', main], {
    cwd: repoRoot,
    env: {
      ...options.env,
      [healthPortVariable[options.service]]: String(options.healthPort),
      CONVEYOR_PROCESS_NAME: options.name,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => options.onLine(options.name, line));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      untrack();
      resolve({ code, signal });
    });
  });
  const untrack = trackResource('child process', `${options.name} (pid ${child.pid})`, async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  });
  return { name: options.name, service: options.service, healthPort: options.healthPort, child, exited };
}

/** Polls `GET /readyz` until it answers 200 or the process exits. */
export async function waitUntilReady(proc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${proc.healthPort}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs} ms`);
}
