// Each image's production bundle, built exactly as the Dockerfile builds it (its stages replayed outside
// Docker: turbo prune, pnpm install --frozen-lockfile, turbo build, pnpm install --prod, the runtime
// stage's copies), then started with the image's own command against the real MySQL and RabbitMQ.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace } from '@conveyor/messages/testing';
import { resolveTestServices } from '@conveyor/runtime/testing';
import { createDatabase } from '../../packages/db/src/database.js';
import { createTestDatabase } from '../../packages/db/src/testing.js';
import { argDeclaration, parseDockerfile } from '../src/dockerfile.js';
import { replayDockerfile, stagePath, type ReplayedStage } from '../src/dockerfile-replay.js';
import { dockerfile, repoRoot } from '../src/paths.js';
import { serviceNames, services, type ServiceName } from '../src/services.js';

const BUILD_TIMEOUT = 15 * 60_000; // ms: a cold build compiles every package on 2 cores

let outRoot: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let broker: Awaited<ReturnType<typeof createTestNamespace>>;

beforeAll(async () => {
  outRoot = await mkdtemp(join(tmpdir(), 'conveyor-bundle-'));
  database = await createTestDatabase();
  broker = await createTestNamespace();
});

afterAll(async () => {
  await database?.close();
  await broker?.cleanup();
  if (outRoot) await rm(outRoot, { recursive: true, force: true });
});

/** The toolchain stage installs pnpm and turbo into the base image; the host must have the same ones. */
const toolchainInstall = (command: string) => command.startsWith('npm install --global ');
const hostBin = `${repoRoot}node_modules/.bin`;

async function build(buildArgs: Record<string, string>): Promise<ReplayedStage> {
  const outDir = join(outRoot, buildArgs.SERVICE ?? 'image');
  await mkdir(outDir);
  const log: string[] = [];
  const stages = await replayDockerfile({
    dockerfile,
    context: repoRoot,
    buildArgs,
    outDir,
    cacheDir: join(outRoot, 'cache'),
    runEnv: {
      PATH: `${hostBin}:${process.env.PATH}`,
      HOME: process.env.HOME,
      // The host's pnpm store already holds every locked package: no downloads unless one is missing.
      pnpm_config_prefer_offline: 'true',
    },
    hostProvides: toolchainInstall,
    onOutput: (line) => log.push(line),
  }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${log.slice(-30).join('\n')}`, { cause: error });
  });
  const runtime = stages.get('runtime');
  if (!runtime) throw new Error('no runtime stage');
  return runtime;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address ? address.port : 0;
}

type Started = { child: ChildProcess; output: string[]; exited: Promise<number | null> };

/** Runs a command of the image in its working directory, with only the given environment. */
function start(runtime: ReplayedStage, command: string[], env: NodeJS.ProcessEnv): Started {
  // Absolute paths of files inside the image point into the replayed stage.
  const [program = 'node', ...args] = command.map((word) =>
    word.startsWith('/') && existsSync(stagePath(runtime, word)) ? stagePath(runtime, word) : word,
  );
  const child = spawn(program === 'node' ? process.execPath : program, args, {
    cwd: stagePath(runtime, '.'),
    env: { PATH: process.env.PATH, ...runtime.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output, exited };
}

async function waitUntilReady(port: number, started: Started): Promise<void> {
  let exited = false;
  void started.exited.then(() => (exited = true));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !exited) {
    const status = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready (exited: ${exited}):\n${started.output.join('').slice(-3000)}`);
}

/** Package folders in the runtime's virtual store, e.g. `typescript@5.9.3`. */
async function installedPackages(runtime: ReplayedStage): Promise<string[]> {
  return readdir(stagePath(runtime, '/app/node_modules/.pnpm'));
}

it('the host stands in for the toolchain stage with the pnpm and turbo versions the Dockerfile installs', async () => {
  const file = parseDockerfile(await readFile(dockerfile, 'utf8'));
  const toolchain = file.stages.find((s) => s.name === 'toolchain')!;
  const pinned = Object.fromEntries(
    toolchain.instructions.filter((i) => i.keyword === 'ARG').map((i) => Object.values(argDeclaration(i))),
  ) as Record<string, string>;
  const version = (bin: string) =>
    spawnSync(bin, ['--version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${hostBin}:${process.env.PATH}` },
    }).stdout.trim();
  expect(version('pnpm')).toBe(pinned.PNPM_VERSION);
  expect(version('turbo')).toBe(pinned.TURBO_VERSION);
  expect(toolchain.instructions.filter((i) => i.keyword === 'RUN' && toolchainInstall(i.args))).toHaveLength(
    1,
  );
});

describe.each(serviceNames)('the %s image', (service: ServiceName) => {
  it(
    'builds as the Dockerfile does, starts with `node dist/main.js`, gets ready, passes its HEALTHCHECK and stops cleanly',
    async () => {
      const runtime = await build({ SERVICE: service });
      expect(runtime.workdir).toBe(`/app/services/${service}`);
      expect(runtime.cmd).toEqual(['node', 'dist/main.js']);
      expect(runtime.user).toBe('1000');
      await expect(access(stagePath(runtime, 'dist/main.js'))).resolves.toBeUndefined();
      // Production dependencies only.
      const packages = await installedPackages(runtime);
      for (const tool of ['typescript@', 'tsx@', 'vitest@', 'vite@', 'turbo@', 'eslint@', 'drizzle-kit@'])
        expect(packages.filter((name) => name.startsWith(tool))).toEqual([]);

      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        DATABASE_URL: database.url,
        AMQP_URL: broker.amqpUrl,
        CONVEYOR_NAMESPACE: broker.namespace,
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '10000',
        [services[service].healthPortVariable]: String(port),
      };
      if (service === 'gateway') env.GATEWAY_PORT = String(await freePort());
      const started = start(runtime, runtime.cmd ?? [], env);
      try {
        await waitUntilReady(port, started);
        const check = start(runtime, runtime.healthcheck?.command ?? [], {
          [services[service].healthPortVariable]: String(port),
        });
        expect(await check.exited).toBe(0);
        if (service === 'gateway') {
          // The dashboard Vite built into dist/ at `turbo run build`, served without Vite installed.
          const gatewayUrl = `http://127.0.0.1:${env.GATEWAY_PORT}`;
          const page = await fetch(`${gatewayUrl}/`);
          expect(page.status).toBe(200);
          const html = await page.text();
          const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)">/.exec(html)?.[1];
          expect(script, html).toBeDefined();
          const asset = await fetch(`${gatewayUrl}${script}`);
          expect([asset.status, asset.headers.get('content-type')]).toEqual([
            200,
            'text/javascript; charset=utf-8',
          ]);
          await asset.arrayBuffer();
          // Built from the sources the image holds: nothing to rebuild (no "sources changed" warning).
          expect(started.output.join('')).not.toContain('dashboard sources changed');
        }
        if (service === 'leader') {
          // The CronJob's command in the same image.
          const startRun = start(runtime, ['node', 'dist/start-run.js'], {
            AMQP_URL: broker.amqpUrl,
            CONVEYOR_NAMESPACE: broker.namespace,
            LOG_LEVEL: 'warn',
          });
          expect(await startRun.exited, startRun.output.join('')).toBe(0);
          expect(startRun.output.join('')).toMatch(/"runId":"[0-9a-f-]{36}"/);
        }
      } finally {
        started.child.kill('SIGTERM');
      }
      expect(await started.exited, started.output.join('').slice(-3000)).toBe(0);
      await rm(join(outRoot, service), { recursive: true, force: true });
    },
    BUILD_TIMEOUT,
  );
});

it(
  'the CLI image applies the migrations with `node dist/main.js migrate`',
  async () => {
    const runtime = await build({ SERVICE: 'cli', SERVICE_DIR: 'packages/cli' });
    expect(runtime.workdir).toBe('/app/packages/cli');
    const { databaseUrl } = await resolveTestServices();
    const url = new URL(databaseUrl);
    const name = `conveyor_test_migrate_${Math.random().toString(36).slice(2, 8)}`;
    url.pathname = `/${name}`;
    const migrate = start(runtime, ['node', 'dist/main.js', 'migrate'], { DATABASE_URL: url.toString() });
    expect(await migrate.exited, migrate.output.join('')).toBe(0);
    const server = new URL(url);
    server.pathname = '/';
    const { pool, close } = createDatabase(server.toString(), { poolSize: 1 });
    try {
      const [rows] = await pool.query(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?',
        [name],
      );
      expect((rows as { name: string }[]).map((row) => row.name)).toEqual(
        expect.arrayContaining(['run_events', 'run_process', 'task_results', '__drizzle_migrations']),
      );
    } finally {
      await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await close();
      await rm(join(outRoot, 'cli'), { recursive: true, force: true });
    }
  },
  BUILD_TIMEOUT,
);
