// The two renderings of the manifests that the cross-checks run on: the base assembled from its files
// (always), and the example overlay as `kubectl kustomize` renders it (where kubectl is installed).
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import {
  assembleBase,
  kubectlAvailable,
  renderKustomization,
  type Located,
  type Manifest,
} from '../src/manifests.js';
import { openshiftBase, openshiftOverlays } from '../src/paths.js';
import type { ServiceName } from '../src/services.js';

export type DocumentSet = { name: string; documents: Located[] };

export const kubectlHere = kubectlAvailable();

export async function documentSets(): Promise<DocumentSet[]> {
  const sets = [{ name: 'base', documents: await assembleBase(openshiftBase) }];
  if (kubectlHere)
    sets.push({
      name: 'example overlay',
      documents: await renderKustomization(join(openshiftOverlays, 'example')),
    });
  return sets;
}

export function find<T = object>(documents: Located[], kind: string, name: string): Manifest & T {
  const found = documents.find((d) => d.manifest.kind === kind && d.manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.manifest as Manifest & T;
}

export const deploymentOf = (documents: Located[], service: ServiceName) =>
  find<IDeployment>(documents, 'Deployment', `conveyor-${service}`);
