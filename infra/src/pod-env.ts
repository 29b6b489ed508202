// The environment a container gets, worked out from its manifest and the ConfigMaps and Secrets beside
// it, the way the kubelet does: `envFrom` sources in order, then `env` entries, a later one winning.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { Located } from './manifests.js';

export type ResolvedEnv = {
  /** Variable → value; `undefined` when it comes from an optional reference that is not there. */
  values: Map<string, string | undefined>;
  /** References to ConfigMaps, Secrets or keys that do not exist (and are not optional). */
  missing: string[];
};

type DataObject = { data?: Record<string, string>; stringData?: Record<string, string> };

export function resolveContainerEnv(container: IContainer, documents: Located[]): ResolvedEnv {
  const values = new Map<string, string | undefined>();
  const missing: string[] = [];
  const find = (kind: 'ConfigMap' | 'Secret', name: string) => {
    const found = documents.find((d) => d.manifest.kind === kind && d.manifest.metadata.name === name);
    return found ? dataOf(kind, found.manifest as DataObject) : undefined;
  };

  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    if (!ref?.name) continue;
    const data = find(kind, ref.name);
    if (!data) {
      if (!ref.optional) missing.push(`${kind} ${ref.name}`);
      continue;
    }
    for (const [key, value] of Object.entries(data)) values.set(`${source.prefix ?? ''}${key}`, value);
  }

  for (const entry of container.env ?? []) {
    if (entry.value !== undefined || !entry.valueFrom) {
      values.set(entry.name, entry.value ?? '');
      continue;
    }
    const ref = entry.valueFrom.configMapKeyRef ?? entry.valueFrom.secretKeyRef;
    const kind = entry.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
    if (!ref) {
      // fieldRef / resourceFieldRef: filled in by the kubelet.
      values.set(entry.name, undefined);
      continue;
    }
    const value = find(kind, ref.name ?? '')?.[ref.key];
    if (value === undefined && !ref.optional) missing.push(`${kind} ${ref.name} key ${ref.key}`);
    values.set(entry.name, value);
  }
  return { values, missing };
}

function dataOf(kind: 'ConfigMap' | 'Secret', manifest: DataObject): Record<string, string> {
  if (kind === 'ConfigMap') return { ...manifest.data };
  const decoded = Object.fromEntries(
    Object.entries(manifest.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
  return { ...decoded, ...manifest.stringData };
}

/** The resolved values that are set, as a process environment. */
export function asProcessEnv(env: ResolvedEnv): NodeJS.ProcessEnv {
  return Object.fromEntries([...env.values].filter(([, value]) => value !== undefined));
}
