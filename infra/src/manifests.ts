// Loading the OpenShift manifests: YAML files as written, a Kustomize base assembled from its files,
// or any kustomization rendered by `kubectl kustomize`.
import { execFile, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { Kustomization } from './custom-kinds.js';

const execFileAsync = promisify(execFile);

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
};

const ManifestHead = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1) }),
});

/** Where a document came from, for messages. */
export type Located = { source: string; manifest: Manifest };

/** Every document of a multi-document YAML text; a syntax error or a document without kind/name throws. */
export function parseManifests(text: string, source: string): Located[] {
  return parseAllDocuments(text).flatMap((document, index) => {
    if (document.errors.length > 0)
      throw new Error(`${source}: ${document.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    const head = ManifestHead.safeParse(value);
    if (!head.success)
      throw new Error(`${source} document ${index + 1}: not a Kubernetes object (${head.error.message})`);
    return [{ source: `${source}#${index + 1}`, manifest: value as Manifest }];
  });
}

/** Every `*.yaml` file under a folder, recursively, relative paths sorted. */
export async function listYamlFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * A Kustomize base as `kubectl kustomize` would render it, without kubectl: its resources, and the
 * ConfigMaps and Secrets of its generators (without the hash suffix, which the references do not carry
 * either). Anything else a kustomization can do is refused: render those with `renderKustomization`.
 */
export async function assembleBase(folder: string): Promise<Located[]> {
  const kustomization = Kustomization.parse(
    parseYaml(await readFile(join(folder, 'kustomization.yaml'), 'utf8')),
  );
  const unsupported = (['namespace', 'images', 'patches', 'replicas'] as const).filter(
    (field) => kustomization[field] !== undefined,
  );
  if (unsupported.length > 0)
    throw new Error(`${folder}: ${unsupported.join(', ')} need kubectl kustomize, not assembleBase`);
  const documents: Located[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(folder, resource);
    documents.push(...parseManifests(await readFile(path, 'utf8'), path));
  }
  const generated = async (kind: 'ConfigMap' | 'Secret', generator: { name: string; envs?: string[] }) => {
    const entries: [string, string][] = [];
    for (const file of generator.envs ?? [])
      entries.push(...parseEnvFile(await readFile(join(folder, file), 'utf8')));
    const data = Object.fromEntries(
      entries.map(([key, value]) => [key, kind === 'Secret' ? Buffer.from(value).toString('base64') : value]),
    );
    const manifest: Manifest = { apiVersion: 'v1', kind, metadata: { name: generator.name }, data };
    if (kind === 'Secret') manifest.type = 'Opaque';
    documents.push({ source: `${folder} ${kind.toLowerCase()}Generator ${generator.name}`, manifest });
  };
  for (const generator of kustomization.configMapGenerator ?? []) await generated('ConfigMap', generator);
  for (const generator of kustomization.secretGenerator ?? []) await generated('Secret', generator);
  return documents;
}

/** `kubectl kustomize <folder>` (kubectl carries Kustomize), parsed. */
export async function renderKustomization(folder: string): Promise<Located[]> {
  const { stdout } = await execFileAsync('kubectl', ['kustomize', folder], { maxBuffer: 16 * 1024 * 1024 });
  return parseManifests(stdout, `kubectl kustomize ${folder}`);
}

/** Whether `kubectl` (with its built-in Kustomize) can be run here. */
export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** `KEY=value` lines as Kustomize's `envs` files take them: `#` comments and blank lines skipped. */
export function parseEnvFile(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      if (at <= 0) throw new Error(`not KEY=value: ${line}`);
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

export function parseYaml(text: string): unknown {
  const [document, ...more] = parseAllDocuments(text);
  if (!document || more.length > 0) throw new Error('expected exactly one YAML document');
  if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('; '));
  return document.toJS();
}

/** The documents of one kind, typed by the caller. */
export function ofKind<T>(documents: Located[], kind: string): (Located & { manifest: Manifest & T })[] {
  return documents.filter((d) => d.manifest.kind === kind) as (Located & { manifest: Manifest & T })[];
}
