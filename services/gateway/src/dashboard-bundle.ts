// The dashboard's bundle: Vite builds dashboard/ (TypeScript + Preact) into dist/dashboard, with the
// SHA-256 of the sources it was built from. `pnpm build` builds it (so the image ships it); the gateway
// builds it again at start when it is missing or was built from other sources, so that `pnpm stack`,
// `pnpm demo` and the tests, which run from sources, need no build step.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { retryWithBackoff } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

/** The gateway's folder, from src/ and dist/ alike. */
const GATEWAY = fileURLToPath(new URL('../', import.meta.url));
const SOURCES = join(GATEWAY, 'dashboard');
const VITE_CONFIG = join(GATEWAY, 'vite.config.ts');
export const DASHBOARD_OUT = join(GATEWAY, 'dist', 'dashboard');
/** Written beside the built files (never served): the hash of the sources they came from. */
const STAMP = '.sources-sha256';

/** The bundle's files by URL path (`/` for index.html), as the gateway serves them. */
export type DashboardFile = { body: string; contentType: string; immutable: boolean };
export type DashboardFiles = Map<string, DashboardFile>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Every file below `dir`, as paths relative to it with `/` separators, sorted; [] when it does not exist. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** SHA-256 over the sources' paths and contents and the Vite config; null when the sources are not there. */
export async function hashDashboardSources(): Promise<string | null> {
  const files = await filesBelow(SOURCES);
  if (files.length === 0) return null;
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(await readFile(join(SOURCES, file)))
      .update('\0');
  hash.update(await readFile(VITE_CONFIG));
  return hash.digest('hex');
}

async function builtHash(): Promise<string | null> {
  return readFile(join(DASHBOARD_OUT, STAMP), 'utf8').catch(() => null);
}

/** Vite, or null where it is not installed (an image with production dependencies only). */
async function importVite(): Promise<typeof import('vite') | null> {
  try {
    return await import('vite');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
}

/**
 * Builds the bundle with Vite into a folder of its own, then puts it in place of dist/dashboard: a
 * reader never sees half a bundle, and gateways starting together each end with a whole one.
 */
export async function buildDashboard(): Promise<void> {
  const hash = await hashDashboardSources();
  if (!hash) throw new Error(`no dashboard sources in ${SOURCES}`);
  // Vite is a build tool (a devDependency): loaded only to build, never by a gateway that serves dist/.
  const vite = await importVite();
  if (!vite) throw new Error('Vite is not installed: run pnpm install (with dev dependencies) first');
  const staging = `${DASHBOARD_OUT}.${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    await vite.build({
      configFile: VITE_CONFIG,
      mode: 'production',
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    await writeFile(join(staging, STAMP), hash);
    // Another gateway built the same sources meanwhile: leave its bundle in place (it may be being read).
    if ((await builtHash()) === hash) return;
    await rm(DASHBOARD_OUT, { recursive: true, force: true });
    await rename(staging, DASHBOARD_OUT).catch(async (error: NodeJS.ErrnoException) => {
      // Another gateway put its bundle there first: keep it if it was built from the same sources.
      if ((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await builtHash()) === hash) return;
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Reads the built bundle into memory; read again when a file vanished under it (another gateway,
 * starting at the same time, replaced the bundle between the listing and the read).
 */
async function readBundle(): Promise<DashboardFiles> {
  const read = await retryWithBackoff(readBundleOnce, {
    attempts: 5,
    baseMs: 200, // ms
    maxMs: 2_000,
    classify: (error) => ((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'transient' : 'permanent'),
  });
  if (!read.ok) throw read.error;
  return read.value;
}

/** Reads the built bundle into memory, keyed by URL path. */
async function readBundleOnce(): Promise<DashboardFiles> {
  const files: DashboardFiles = new Map();
  for (const file of await filesBelow(DASHBOARD_OUT)) {
    if (file.split('/').some((part) => part.startsWith('.'))) continue;
    const contentType = CONTENT_TYPES[extname(file)];
    if (!contentType)
      throw new Error(`the dashboard bundle has ${file}, a file type the gateway does not serve`);
    files.set(file === 'index.html' ? '/' : `/${file}`, {
      body: await readFile(join(DASHBOARD_OUT, file), 'utf8'),
      contentType,
      // Vite names what it emits under assets/ by content hash: a new build has new names.
      immutable: file.startsWith('assets/'),
    });
  }
  if (!files.has('/')) throw new Error(`the dashboard bundle in ${DASHBOARD_OUT} has no index.html`);
  return files;
}

/**
 * The dashboard's files, built first when dist/dashboard is missing or was built from other sources.
 * A gateway without the sources (an image that left them out) serves what was built; one whose sources
 * changed but has no Vite (production dependencies only) serves the built bundle and says so.
 */
export async function prepareDashboard(logger?: Pick<Logger, 'info' | 'warn'>): Promise<DashboardFiles> {
  const [sources, built] = await Promise.all([hashDashboardSources(), builtHash()]);
  if (sources !== null && sources !== built) {
    if (built !== null && !(await importVite())) {
      logger?.warn(
        { out: DASHBOARD_OUT },
        'dashboard sources changed, but Vite is not installed: serving the built one',
      );
    } else {
      const started = Date.now();
      await buildDashboard().catch((error: Error) => {
        throw new Error(`the dashboard could not be built: ${error.message}`, { cause: error });
      });
      logger?.info({ ms: Date.now() - started, out: DASHBOARD_OUT }, 'dashboard built from its sources');
    }
  }
  return readBundle();
}
