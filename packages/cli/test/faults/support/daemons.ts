// The real daemons of this machine (the services `.ci/run` starts), stopped and started again for the
// daemon cases of the fault suite (`pnpm test:daemons`). They stop MariaDB and RabbitMQ for everyone on
// the machine: run them alone, after every other test, and always start the daemon again.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `command` until it succeeds or `timeoutMs` passes. */
async function until(what: string, command: string, args: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await run(command, args, { timeout: 15_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`, { cause: error });
      await sleep(500);
    }
  }
}

const mariadbAdmin = (args: string[]) => ['-uroot', '-h127.0.0.1', ...args];

/** Shuts the MariaDB server down and waits until it no longer answers. */
export async function stopMariaDb(): Promise<void> {
  await run('mariadb-admin', mariadbAdmin(['shutdown']), { timeout: 60_000 });
  await until(
    'MariaDB did not stop',
    'sh',
    ['-c', '! mariadb-admin -uroot -h127.0.0.1 --connect-timeout=2 ping >/dev/null 2>&1'],
    60_000,
  );
}

/** Starts the MariaDB server as the machine does (a no-op when it runs) and waits until it answers. */
export async function startMariaDb(): Promise<void> {
  await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
  await until(
    'MariaDB did not answer',
    'mariadb-admin',
    mariadbAdmin(['--connect-timeout=2', 'ping']),
    120_000,
  );
}

/** Stops the RabbitMQ application (the Erlang node stays up): every connection is closed. */
export async function stopRabbitMq(): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 120_000 });
}

/** Starts the RabbitMQ application again and waits until it accepts connections. */
export async function startRabbitMq(): Promise<void> {
  await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
  await until('RabbitMQ did not start', 'rabbitmqctl', ['await_startup', '--timeout', '60'], 120_000);
  await until(
    'RabbitMQ did not accept connections',
    'rabbitmq-diagnostics',
    ['-q', 'check_port_connectivity'],
    60_000,
  );
}
