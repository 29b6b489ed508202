// docker-compose.yml: accepted by docker-compose itself, and cross-checked against the code like the
// OpenShift manifests (variables vs the config schemas, health ports, start order, scaling, the demo).
import { execFile, spawnSync } from 'node:child_process';
import { access } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@conveyor/runtime';
import { durationMs, interpolate, loadCompose, serviceEnv } from '../src/compose.js';
import { composeFile, repoRoot } from '../src/paths.js';
import {
  cliVariables,
  defaultOf,
  defaultedVariables,
  knownVariables,
  requiredVariables,
  serviceNames,
  services,
} from '../src/services.js';

const execFileAsync = promisify(execFile);
const compose = await loadCompose(composeFile);
const cliKnows = await cliVariables(`${repoRoot}packages/cli/src`);
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`no compose service ${name}`);
  return found;
};

const dockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const withDockerCompose = (name: string) =>
  dockerCompose ? name : `${name} (skipped: the docker-compose binary is not installed here)`;

describe('docker-compose itself', () => {
  it.skipIf(!dockerCompose)(
    withDockerCompose('docker-compose config -q accepts the file, with and without the demo profile'),
    async () => {
      await expect(
        execFileAsync('docker-compose', ['-f', composeFile, 'config', '-q']),
      ).resolves.toBeDefined();
      await expect(
        execFileAsync('docker-compose', ['-f', composeFile, '--profile', 'demo', 'config', '-q']),
      ).resolves.toBeDefined();
    },
  );

  it.skipIf(!dockerCompose)(
    withDockerCompose('docker-compose resolves the same services and variables as these checks'),
    async () => {
      const { stdout } = await execFileAsync('docker-compose', [
        '-f',
        composeFile,
        '--profile',
        'demo',
        'config',
        '--services',
      ]);
      expect(stdout.trim().split('\n').sort()).toEqual(Object.keys(compose.services).sort());
      const { stdout: resolved } = await execFileAsync('docker-compose', ['-f', composeFile, 'config'], {
        env: { PATH: process.env.PATH },
      });
      expect(resolved).toContain('AMQP_URL: amqp://conveyor:conveyor@rabbitmq:5672');
    },
  );
});

describe('the stack', () => {
  it('has MySQL 8, RabbitMQ with management, the one-shot migrate, the five services and the demo', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['demo', 'gateway', 'leader', 'migrate', 'mysql', 'poller', 'rabbitmq', 'topology', 'worker'].sort(),
    );
    expect(service('mysql').image).toMatch(/^mysql:8(\.|$)/);
    expect(service('rabbitmq').image).toMatch(/^rabbitmq:3\.\d+-management$/);
    expect(service('mysql').healthcheck?.test).toBeDefined();
    expect(service('rabbitmq').healthcheck?.test).toBeDefined();
  });

  it('connects the services with the credentials MySQL and RabbitMQ are started with', () => {
    const env = serviceEnv(service('worker'));
    const database = new URL(env.DATABASE_URL ?? '');
    const mysql = serviceEnv(service('mysql'));
    expect([database.hostname, database.username, database.password, database.pathname]).toEqual([
      'mysql',
      mysql.MYSQL_USER,
      mysql.MYSQL_PASSWORD,
      `/${mysql.MYSQL_DATABASE}`,
    ]);
    const amqp = new URL(env.AMQP_URL ?? '');
    const rabbit = serviceEnv(service('rabbitmq'));
    expect([amqp.hostname, amqp.username, amqp.password]).toEqual([
      'rabbitmq',
      rabbit.RABBITMQ_DEFAULT_USER,
      rabbit.RABBITMQ_DEFAULT_PASS,
    ]);
  });

  it('migrates once MySQL is healthy, with the CLI image', () => {
    const migrate = service('migrate');
    expect(migrate.build?.args).toEqual({ SERVICE: 'cli', SERVICE_DIR: 'packages/cli' });
    expect(migrate.command).toEqual(['node', 'dist/main.js', 'migrate']);
    expect(migrate.depends_on?.mysql?.condition).toBe('service_healthy');
    expect(serviceEnv(migrate).DATABASE_URL).toBe(serviceEnv(service('worker')).DATABASE_URL);
    expect(Object.keys(migrate.environment ?? {}).filter((v) => !cliKnows.includes(v))).toEqual([]);
  });
});

describe.each(serviceNames)('the %s service', (name) => {
  const { schema, healthPortVariable } = services[name];
  const entry = service(name);
  const env = serviceEnv(entry);

  it('is built from this Dockerfile for its workspace, as the image the manifests run', async () => {
    expect(entry.build?.context).toBe('.');
    expect(entry.build?.args).toEqual({ SERVICE: name });
    expect(entry.image).toBe(`conveyor/${name}:latest`);
    await expect(access(`${repoRoot}services/${name}/src/main.ts`)).resolves.toBeUndefined();
  });

  it('sets only variables its service knows, every required one, with values its schema accepts', () => {
    const known = knownVariables(schema);
    expect(Object.keys(entry.environment ?? {}).filter((variable) => !known.includes(variable))).toEqual([]);
    for (const variable of requiredVariables(schema)) expect(env[variable]).toBeDefined();
    expect(() => loadConfig(schema, env)).not.toThrow();
    expect(env[healthPortVariable]).toBeDefined();
  });

  it('sets every variable that has a default explicitly, as the OpenShift manifests do', () => {
    expect(defaultedVariables(schema).filter((variable) => env[variable] === undefined)).toEqual([]);
  });

  it('starts after RabbitMQ and MySQL are healthy and the migrations are done, and reports /readyz', () => {
    expect(entry.depends_on).toEqual({
      mysql: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(entry.healthcheck?.test).toEqual([
      'CMD',
      'node',
      '/usr/local/lib/conveyor/healthcheck.mjs',
      '/readyz',
    ]);
  });

  it('is given more time to stop than its drain may take', () => {
    const graceMs = Number(env.SHUTDOWN_GRACE_MS ?? defaultOf(schema, 'SHUTDOWN_GRACE_MS'));
    expect(durationMs(entry.stop_grace_period ?? '10s')).toBeGreaterThan(graceMs);
  });

  it('uses the same shared settings as the other services', () => {
    const worker = serviceEnv(service('worker'));
    for (const variable of ['DATABASE_URL', 'AMQP_URL', 'CONVEYOR_NAMESPACE', 'LOG_LEVEL'])
      expect(env[variable]).toBe(worker[variable]);
  });
});

describe('scaling and ports', () => {
  it('lets `--scale worker=N` work: the worker has no container name and no host port', () => {
    expect(service('worker').container_name).toBeUndefined();
    expect(service('worker').ports).toBeUndefined();
    for (const [name, entry] of Object.entries(compose.services))
      expect(entry.container_name, name).toBeUndefined();
  });

  it('publishes the gateway on localhost:4000, its GATEWAY_PORT', () => {
    expect(service('gateway').ports).toEqual(['4000:4000']);
    expect(serviceEnv(service('gateway')).GATEWAY_PORT).toBe('4000');
  });

  it('leaves GATEWAY_TOKEN unset unless the shell sets one, and passes it to the demo', async () => {
    expect(serviceEnv(service('gateway')).GATEWAY_TOKEN).toBeUndefined();
    const withToken = await loadCompose(composeFile, { GATEWAY_TOKEN: 'a-token-of-16-chars-or-more' });
    expect(serviceEnv(withToken.services.gateway!).GATEWAY_TOKEN).toBe('a-token-of-16-chars-or-more');
    expect(serviceEnv(withToken.services.demo!).GATEWAY_TOKEN).toBe('a-token-of-16-chars-or-more');
    expect(interpolate('conveyor/cli:${CONVEYOR_TAG:-latest}', { CONVEYOR_TAG: '1.2.3' })).toBe(
      'conveyor/cli:1.2.3',
    );
  });
});

describe('the demo profile', () => {
  const demo = service('demo');

  it('runs only with --profile demo, once every service is healthy', () => {
    expect(demo.profiles).toEqual(['demo']);
    expect(Object.keys(demo.depends_on ?? {}).sort()).toEqual([...serviceNames].sort());
    for (const dependency of Object.values(demo.depends_on ?? {}))
      expect(dependency.condition).toBe('service_healthy');
  });

  it('starts a run through the gateway with `conveyor run start … --follow`, a command the CLI has', () => {
    expect(demo.image).toBe(service('migrate').image);
    expect(demo.command?.slice(0, 4)).toEqual(['node', 'dist/main.js', 'run', 'start']);
    expect(demo.command).toContain('--follow');
    const gatewayUrl = new URL(serviceEnv(demo).GATEWAY_URL ?? '');
    expect([gatewayUrl.hostname, gatewayUrl.port]).toEqual([
      'gateway',
      serviceEnv(service('gateway')).GATEWAY_PORT,
    ]);
    expect(Object.keys(demo.environment ?? {}).filter((v) => !cliKnows.includes(v))).toEqual([]);

    // The CLI's usage lists its commands with their options: `run start` must take every flag used here.
    const usage = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@conveyor/source', 'packages/cli/src/main.ts'],
      { cwd: repoRoot, encoding: 'utf8' },
    ).stderr;
    const runStart = usage.split('\n').find((line) => /conveyor run start\s/.test(line));
    expect(runStart).toBeDefined();
    for (const flag of demo.command?.filter((word) => word.startsWith('--')) ?? [])
      expect(runStart).toContain(flag);
    expect(usage).toMatch(/conveyor migrate\s/);
  });
});
