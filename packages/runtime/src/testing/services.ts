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
  const databaseUrl =
    fromEnv.databaseUrl ?? (dbUp ? LOCAL_DATABASE_URL : (await startMariaDbContainer()).url);
  const amqpUrl = fromEnv.amqpUrl ?? (amqpUp ? LOCAL_AMQP_URL : (await startRabbitMqContainer()).url);
  return { databaseUrl, amqpUrl };
}

/** A service started in a container: where it answers, and how to stop it. */
export type StartedService = { url: string; stop: () => Promise<void> };

/**
 * Whether a container runtime (Docker, Podman, …) answers testcontainers; false as well where
 * testcontainers is not installed (production dependencies only).
 */
export async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
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

/** MariaDB 10.11 in a throwaway container (testcontainers); its URL names no database. */
export async function startMariaDbContainer(): Promise<StartedService> {
  const { MariaDbContainer } = await import('@testcontainers/mariadb').catch((cause: unknown) => {
    throw new Error('No MariaDB on 127.0.0.1:3306, DATABASE_URL unset, and testcontainers unavailable', {
      cause,
    });
  });
  const container = await new MariaDbContainer('mariadb:10.11').withRootPassword('root').start();
  return {
    url: `mysql://root:root@${container.getHost()}:${container.getMappedPort(3306)}`,
    stop: async () => void (await container.stop()),
  };
}

/** RabbitMQ 3.13 (management) in a throwaway container (testcontainers). */
export async function startRabbitMqContainer(): Promise<StartedService> {
  const { RabbitMQContainer } = await import('@testcontainers/rabbitmq').catch((cause: unknown) => {
    throw new Error('No RabbitMQ on 127.0.0.1:5672, AMQP_URL unset, and testcontainers unavailable', {
      cause,
    });
  });
  const container = await new RabbitMQContainer('rabbitmq:3.13-management').start();
  return { url: container.getAmqpUrl(), stop: async () => void (await container.stop()) };
}
