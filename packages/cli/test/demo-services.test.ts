// `pnpm demo` without its services: when MySQL does not answer and no Docker runtime does either, the
// demo stops before doing anything and its message says how to start them.
import { describe, expect, it } from 'vitest';
import { containerRuntimeAnswers } from '@conveyor/runtime/testing';
import { freePort } from '../src/stack/processes.js';
import { runCli } from './support/results.js';

const dockerAnswers = await containerRuntimeAnswers();

describe('conveyor demo', () => {
  it.skipIf(dockerAnswers)(
    'names the closed database, the commands that start it, and exits 1 (skipped where a Docker runtime answers: the demo would start a container)',
    async () => {
      const port = await freePort(); // free: nothing listens on it
      const failed = runCli(['demo'], {
        ...process.env,
        DATABASE_URL: `mysql://root@127.0.0.1:${port}/conveyor`,
        AMQP_URL: `amqp://guest:guest@127.0.0.1:${port}`,
      });
      await expect(failed).rejects.toMatchObject({
        code: 1,
        stdout: '',
        stderr:
          'conveyor demo cannot start:\n' +
          `MySQL/MariaDB does not answer at 127.0.0.1:${port} (DATABASE_URL=mysql://root@127.0.0.1:${port}/conveyor), ` +
          'and no Docker runtime answers to start it in a container.\n' +
          '  Start it, e.g. `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`, or ' +
          '`docker run -d -p 3306:3306 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes mysql:8.4`; ' +
          'or start Docker and run `pnpm demo` again.\n' +
          `RabbitMQ does not answer at 127.0.0.1:${port} (AMQP_URL=amqp://guest:***@127.0.0.1:${port}), ` +
          'and no Docker runtime answers to start it in a container.\n' +
          '  Start it, e.g. `rabbitmq-server -detached`, or `docker run -d -p 5672:5672 rabbitmq:3.13-management`; ' +
          'or start Docker and run `pnpm demo` again.\n',
      });
    },
  );
});
