import { connect } from 'node:net';

/** Where the tests find MySQL/MariaDB and RabbitMQ. */
export type TestServices = { databaseUrl: string; amqpUrl: string };

export const LOCAL_DATABASE_URL = 'mysql://root@127.0.0.1:3306';
export const LOCAL_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

let resolved: Promise<TestServices> | undefined;

/**
 * The services a test file talks to, in this order of preference:
 * 1. `DATABASE_URL` / `AMQP_URL` from the environment (CI, or a developer's own services);
 * 2. the local services on 127.0.0.1 when they answer;
 * 3. throwaway containers (testcontainers, imported lazily) when a Docker runtime answers.
 * `DATABASE_URL` may name a database; tests create their own databases beside it.
 */
export function resolveTestServices(env: NodeJS.ProcessEnv = process.env): Promise<TestServices> {
  resolved ??= resolveOnce(env);
  return resolved;
}

async function resolveOnce(env: NodeJS.ProcessEnv): Promise<TestServices> {
  const fromEnv = { databaseUrl: env.DATABASE_URL, amqpUrl: env.AMQP_URL };
  const [dbUp, amqpUp] = await Promise.all([
    fromEnv.databaseUrl ? true : isListening('127.0.0.1', 3306),
    fromEnv.amqpUrl ? true : isListening('127.0.0.1', 5672),
  ]);
  const databaseUrl = fromEnv.databaseUrl ?? (dbUp ? LOCAL_DATABASE_URL : await startMariaDbContainer());
  const amqpUrl = fromEnv.amqpUrl ?? (amqpUp ? LOCAL_AMQP_URL : await startRabbitMqContainer());
  return { databaseUrl, amqpUrl };
}

export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function startMariaDbContainer(): Promise<string> {
  const { MariaDbContainer } = await import('@testcontainers/mariadb').catch((cause: unknown) => {
    throw new Error('No MariaDB on 127.0.0.1:3306, DATABASE_URL unset, and testcontainers unavailable', {
      cause,
    });
  });
  const container = await new MariaDbContainer('mariadb:10.11').withRootPassword('root').start();
  return `mysql://root:root@${container.getHost()}:${container.getMappedPort(3306)}`;
}

async function startRabbitMqContainer(): Promise<string> {
  const { RabbitMQContainer } = await import('@testcontainers/rabbitmq').catch((cause: unknown) => {
    throw new Error('No RabbitMQ on 127.0.0.1:5672, AMQP_URL unset, and testcontainers unavailable', {
      cause,
    });
  });
  const container = await new RabbitMQContainer('rabbitmq:3.13-management').start();
  return container.getAmqpUrl();
}
