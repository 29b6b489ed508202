// The services `conveyor demo` needs: the ones configured when they answer; otherwise throwaway containers
// (the tests' testcontainers code) when a container runtime answers; otherwise how to start them.
import { redactUrl } from '@conveyor/runtime';
import {
  containerRuntimeAnswers,
  isListening,
  startMariaDbContainer,
  startRabbitMqContainer,
  type StartedService,
} from '@conveyor/runtime/testing';

export type DemoServices =
  | { ok: true; databaseUrl: string; amqpUrl: string; stop: () => Promise<void> }
  | { ok: false; problems: string[] };

type Service = {
  label: string;
  variable: string;
  url: string;
  defaultPort: number;
  /** How to start it by hand: the commands a user types. */
  howToStart: string;
  start: () => Promise<StartedService>;
  /** The URL the demo uses with a container's. */
  withContainer: (containerUrl: string) => string;
};

/** Where a service's URL points: host and port. */
const addressOf = (service: Service) => {
  const url = new URL(service.url);
  return { host: url.hostname, port: Number(url.port || service.defaultPort) };
};

/**
 * The database and broker for the demo. Each that does not answer is started in a container when a
 * container runtime answers (and `say` tells so); when none does, the problems name the commands that
 * start them.
 */
export async function provideDemoServices(
  urls: { databaseUrl: string; amqpUrl: string },
  say: (line: string) => void,
): Promise<DemoServices> {
  const services: Service[] = [
    {
      label: 'MySQL/MariaDB',
      variable: 'DATABASE_URL',
      url: urls.databaseUrl,
      defaultPort: 3306,
      howToStart:
        '`start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`, or ' +
        '`docker run -d -p 3306:3306 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes mysql:8.4`',
      start: startMariaDbContainer,
      // The container's server, the database the demo was asked to use.
      withContainer: (containerUrl) => `${containerUrl}${new URL(urls.databaseUrl).pathname}`,
    },
    {
      label: 'RabbitMQ',
      variable: 'AMQP_URL',
      url: urls.amqpUrl,
      defaultPort: 5672,
      howToStart: '`rabbitmq-server -detached`, or `docker run -d -p 5672:5672 rabbitmq:3.13-management`',
      start: startRabbitMqContainer,
      withContainer: (containerUrl) => containerUrl,
    },
  ];
  const answering = await Promise.all(
    services.map((service) => {
      const { host, port } = addressOf(service);
      return isListening(host, port);
    }),
  );
  const missing = services.filter((_, i) => !answering[i]);
  const chosen = services.map((service) => service.url);
  if (missing.length === 0)
    return { ok: true, databaseUrl: chosen[0]!, amqpUrl: chosen[1]!, stop: async () => undefined };

  const notAnswering = (service: Service) => {
    const { host, port } = addressOf(service);
    return `${service.label} does not answer at ${host}:${port} (${service.variable}=${redactUrl(service.url)})`;
  };
  if (!(await containerRuntimeAnswers()))
    return {
      ok: false,
      problems: missing.map(
        (service) =>
          `${notAnswering(service)}, and no Docker runtime answers to start it in a container.\n` +
          `  Start it, e.g. ${service.howToStart}; or start Docker and run \`pnpm demo\` again.`,
      ),
    };

  const started: StartedService[] = [];
  const stop = async () => {
    for (const container of started.reverse()) await container.stop();
  };
  try {
    for (const service of missing) {
      say(`${notAnswering(service)}: starting it in a container (testcontainers)…`);
      const container = await service.start();
      started.push(container);
      const url = service.withContainer(container.url);
      chosen[services.indexOf(service)] = url;
      say(`  ${service.label} runs in a container at ${redactUrl(url)}; it is removed when the demo ends`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ok: true, databaseUrl: chosen[0]!, amqpUrl: chosen[1]!, stop };
}
