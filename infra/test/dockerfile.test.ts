// The Dockerfile read statically (pinned tool versions, a non-root runtime, health check, entry point),
// .dockerignore, and the image's health check script run against a real HTTP server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { argDeclaration, execForm, parseDockerfile, type Stage } from '../src/dockerfile.js';
import { parseDockerIgnore } from '../src/dockerignore.js';
import { dockerfile, healthcheckScript, repoRoot } from '../src/paths.js';
import { defaultOf, serviceNames, services } from '../src/services.js';

const file = parseDockerfile(await readFile(dockerfile, 'utf8'));
const stage = (name: string): Stage => {
  const found = file.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const instructions = (name: string, keyword: string) =>
  stage(name).instructions.filter((instruction) => instruction.keyword === keyword);
const argDefault = (name: string, arg: string) =>
  instructions(name, 'ARG')
    .map(argDeclaration)
    .find((declaration) => declaration.name === arg)?.value;
const rootPackage = JSON.parse(await readFile(`${repoRoot}package.json`, 'utf8')) as {
  packageManager: string;
};
const workspace = parse(await readFile(`${repoRoot}pnpm-workspace.yaml`, 'utf8')) as {
  catalog: Record<string, string>;
};

describe('the Dockerfile', () => {
  it('has the toolchain, prune, build, deps and runtime stages', () => {
    expect(file.stages.map((s) => s.name)).toEqual(['toolchain', 'prune', 'build', 'deps', 'runtime']);
  });

  it('installs the pnpm and turbo versions the repository pins', () => {
    expect(`pnpm@${argDefault('toolchain', 'PNPM_VERSION')}`).toBe(rootPackage.packageManager);
    expect(argDefault('toolchain', 'TURBO_VERSION')).toBe(workspace.catalog.turbo);
  });

  it('runs on a current Node.js LTS image, the same for building and running', () => {
    const image = argDeclaration(file.globalArgs[0]!);
    expect(image.name).toBe('NODE_IMAGE');
    expect(image.value).toMatch(/^node:(20|22|24)(\.\d+)*-(alpine|slim|bookworm-slim)$/);
    expect(stage('toolchain').from).toBe('${NODE_IMAGE}');
    expect(stage('runtime').from).toBe('${NODE_IMAGE}');
  });

  it('prunes the monorepo to the service, installs from the lockfile, builds with turbo', () => {
    const runs = file.stages.flatMap((s) =>
      s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args),
    );
    expect(runs).toContain('turbo prune @conveyor/${SERVICE} --docker --out-dir out');
    expect(runs).toContain('pnpm install --frozen-lockfile');
    expect(runs).toContain('turbo run build --filter=@conveyor/${SERVICE}...');
    expect(runs.some((run) => run.startsWith('pnpm install --frozen-lockfile --prod'))).toBe(true);
  });

  it('runs as a non-root numeric user with files in group 0, `node dist/main.js` in the service folder', () => {
    const user = instructions('runtime', 'USER').at(-1)?.args ?? '0';
    expect(user).toMatch(/^[1-9]\d*$/);
    for (const copy of instructions('runtime', 'COPY').filter((i) => i.flags.from))
      expect(copy.flags.chown).toBe(`${user}:0`);
    expect(instructions('runtime', 'WORKDIR').at(-1)?.args).toBe('/app/${SERVICE_DIR}');
    expect(argDefault('runtime', 'SERVICE_DIR')).toBe('services/${SERVICE}');
    expect(execForm(instructions('runtime', 'CMD').at(-1)?.args ?? '')).toEqual(['node', 'dist/main.js']);
    expect(instructions('runtime', 'ENTRYPOINT')).toEqual([]);
  });

  it('checks health on /healthz with the script it copies into the image', () => {
    const healthcheck = instructions('runtime', 'HEALTHCHECK').at(-1);
    expect(healthcheck?.args).toBe('CMD ["node", "/usr/local/lib/conveyor/healthcheck.mjs", "/healthz"]');
    expect(instructions('runtime', 'COPY').map((i) => i.args)).toContain(
      'infra/docker/healthcheck.mjs /usr/local/lib/conveyor/healthcheck.mjs',
    );
  });

  it('keeps build tools out of the runtime stage (it copies from deps and build only)', () => {
    const sources = instructions('runtime', 'COPY').map((i) => i.flags.from ?? 'context');
    expect(new Set(sources)).toEqual(new Set(['deps', 'build', 'context']));
    expect(instructions('runtime', 'RUN')).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('keeps installed and built files out of the build context, and the sources in', async () => {
    const rules = parseDockerIgnore(await readFile(`${repoRoot}.dockerignore`, 'utf8'));
    for (const path of [
      'node_modules/x',
      'packages/db/node_modules/y',
      'services/worker/dist/main.js',
      '.git/HEAD',
      '.turbo/cache/a',
    ])
      expect(rules.excludes(path), path).toBe(true);
    for (const path of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'turbo.json',
      'tsconfig.base.json',
      'packages/db/drizzle/0000_init.sql',
      'services/worker/src/main.ts',
      'infra/docker/healthcheck.mjs',
    ])
      expect(rules.excludes(path), path).toBe(false);
  });
});

describe('the health check script', () => {
  const script = readFile(healthcheckScript, 'utf8');

  it('knows each service’s default health port, as its config schema has it', async () => {
    const table = /const defaultPorts = (\{[^}]*\});/.exec(await script)?.[1] ?? '';
    const ports = JSON.parse(table.replace(/(\w+):/g, '"$1":')) as Record<string, number>;
    expect(ports).toEqual(
      Object.fromEntries(
        serviceNames.map((s) => [s, defaultOf(services[s].schema, services[s].healthPortVariable)]),
      ),
    );
  });

  async function runScript(env: NodeJS.ProcessEnv, path?: string): Promise<number | null> {
    const child = spawn(process.execPath, [healthcheckScript, ...(path ? [path] : [])], {
      env: { PATH: process.env.PATH, ...env },
      stdio: 'ignore',
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    return code;
  }

  it('exits 0 when the endpoint answers 200, 1 when it answers otherwise or nothing listens', async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/healthz' ? 200 : 503).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = String((server.address() as AddressInfo).port);
    try {
      expect(await runScript({ CONVEYOR_SERVICE: 'worker', WORKER_HEALTH_PORT: port })).toBe(0);
      expect(await runScript({ CONVEYOR_SERVICE: 'worker', WORKER_HEALTH_PORT: port }, '/readyz')).toBe(1);
      expect(await runScript({ CONVEYOR_SERVICE: 'gateway', GATEWAY_HEALTH_PORT: port })).toBe(0);
    } finally {
      server.close();
      await once(server, 'close');
    }
    expect(await runScript({ CONVEYOR_SERVICE: 'worker', WORKER_HEALTH_PORT: port })).toBe(1);
  });

  it('has nothing to check in the CLI image', async () => {
    expect(await runScript({ CONVEYOR_SERVICE: 'cli' })).toBe(0);
  });
});
