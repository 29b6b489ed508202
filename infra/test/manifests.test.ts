// Every manifest under infra/openshift, as written and as Kustomize renders it, against the schema of its
// kind (Kubernetes, KEDA, and hand-written ones for Route, RabbitmqCluster and Kustomization).
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Kustomization } from '../src/custom-kinds.js';
import {
  assembleBase,
  kubectlAvailable,
  listYamlFiles,
  parseManifests,
  parseYaml,
  renderKustomization,
  type Located,
} from '../src/manifests.js';
import { openshiftBase, openshiftOverlays } from '../src/paths.js';
import { findUnknownFields } from '../src/unknown-fields.js';
import { validateManifest } from '../src/validate-manifest.js';

const openshift = dirname(openshiftBase);
const files = await listYamlFiles(openshift);
const isKustomization = (file: string) => file.endsWith('kustomization.yaml');
const KustomizeConfig = z.strictObject({
  nameReference: z.array(
    z.strictObject({
      kind: z.string(),
      version: z.string().optional(),
      fieldSpecs: z.array(
        z.strictObject({ kind: z.string(), group: z.string().optional(), path: z.string() }),
      ),
    }),
  ),
});

async function manifestsOf(file: string): Promise<Located[]> {
  return parseManifests(await readFile(join(openshift, file), 'utf8'), file);
}

const manifestFiles = files.filter(
  (file) => !isKustomization(file) && !file.endsWith('kustomizeconfig.yaml'),
);
const kustomizations = files.filter(isKustomization).map((file) => dirname(file));

describe('the manifests as written', () => {
  it('are all found (a base and an example overlay)', () => {
    expect(files).toContain('base/kustomization.yaml');
    expect(files).toContain('overlays/example/kustomization.yaml');
    expect(manifestFiles.length).toBeGreaterThan(8);
  });

  it.each(manifestFiles)('%s: every document validates against its kind', async (file) => {
    const documents = await manifestsOf(file);
    expect(documents.length).toBeGreaterThan(0);
    for (const { manifest } of documents) expect(() => validateManifest(manifest)).not.toThrow();
  });

  it('use no field their kind does not know (type-checked against the model interfaces)', async () => {
    const documents = (await Promise.all(manifestFiles.map(manifestsOf))).flat();
    expect(findUnknownFields(documents)).toEqual([]);
  });

  it('use Deployments, never an OpenShift DeploymentConfig', async () => {
    const documents = (await Promise.all(manifestFiles.map(manifestsOf))).flat();
    expect(documents.map((d) => d.manifest.kind)).not.toContain('DeploymentConfig');
    expect(documents.filter((d) => d.manifest.kind === 'Deployment').length).toBe(5);
  });

  it.each(kustomizations)('%s/kustomization.yaml is valid and every file it names exists', async (folder) => {
    const kustomization = Kustomization.parse(
      parseYaml(await readFile(join(openshift, folder, 'kustomization.yaml'), 'utf8')),
    );
    const named = [
      ...(kustomization.resources ?? []),
      ...(kustomization.configurations ?? []),
      ...[...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])].flatMap(
        (generator) => [...(generator.envs ?? []), ...(generator.files ?? [])],
      ),
      ...(kustomization.patches ?? []).flatMap((patch) => (patch.path ? [patch.path] : [])),
    ];
    for (const path of named) await expect(access(join(openshift, folder, path))).resolves.toBeUndefined();
  });

  it('lists every manifest file of a folder in that folder’s kustomization (nothing left out by mistake)', async () => {
    const listed = new Set<string>();
    for (const folder of kustomizations) {
      const kustomization = Kustomization.parse(
        parseYaml(await readFile(join(openshift, folder, 'kustomization.yaml'), 'utf8')),
      );
      for (const path of [
        ...(kustomization.resources ?? []),
        ...(kustomization.patches ?? []).flatMap((patch) => (patch.path ? [patch.path] : [])),
      ])
        listed.add(join(folder, path));
    }
    expect(manifestFiles.filter((file) => !listed.has(file))).toEqual([]);
  });

  it('teach Kustomize the TriggerAuthentication → Secret reference (kustomizeconfig.yaml)', async () => {
    const config = KustomizeConfig.parse(
      parseYaml(await readFile(join(openshiftBase, 'kustomizeconfig.yaml'), 'utf8')),
    );
    expect(config.nameReference).toContainEqual({
      kind: 'Secret',
      version: 'v1',
      fieldSpecs: [{ kind: 'TriggerAuthentication', group: 'keda.sh', path: 'spec/secretTargetRef/name' }],
    });
  });

  it('assemble into a base whose every document validates (ConfigMaps and Secrets from the generators)', async () => {
    const documents = await assembleBase(openshiftBase);
    for (const { manifest } of documents) expect(() => validateManifest(manifest)).not.toThrow();
    expect(findUnknownFields(documents)).toEqual([]);
  });
});

const kustomize = kubectlAvailable();
/** The test's name, with the reason when it cannot run here. */
const needsKubectl = (name: string) =>
  kustomize ? name : `${name} (skipped: kubectl is not installed here)`;

describe('the manifests as Kustomize renders them', () => {
  it.skipIf(!kustomize).each([openshiftBase, join(openshiftOverlays, 'example')])(
    needsKubectl('kubectl kustomize %s renders documents that all validate'),
    async (folder) => {
      const documents = await renderKustomization(folder);
      expect(documents.length).toBeGreaterThan(20);
      for (const { manifest } of documents) expect(() => validateManifest(manifest)).not.toThrow();
      expect(findUnknownFields(documents)).toEqual([]);
    },
  );

  it.skipIf(!kustomize)(
    needsKubectl(
      'the example overlay puts everything in its namespace and renames generated Secrets everywhere',
    ),
    async () => {
      const documents = await renderKustomization(join(openshiftOverlays, 'example'));
      expect(new Set(documents.map((d) => d.manifest.metadata.namespace))).toEqual(
        new Set(['conveyor-example']),
      );
      const secret = documents.find(
        (d) => d.manifest.kind === 'Secret' && d.manifest.metadata.name.startsWith('conveyor-keda-rabbitmq'),
      );
      const auth = documents.find((d) => d.manifest.kind === 'TriggerAuthentication');
      expect(secret?.manifest.metadata.name).toMatch(/^conveyor-keda-rabbitmq-[a-z0-9]{10}$/);
      expect(JSON.stringify(auth?.manifest)).toContain(`"name":"${secret?.manifest.metadata.name}"`);
    },
  );
});
