// Least privilege in the manifests (issue 14): the services' database user may only read and write
// rows, the migration Job has a Secret of its own with the DDL user, the gateway's token Secret is
// required and its shipped placeholder stops the gateway, and the reads are closed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@conveyor/runtime';
import { openshiftOverlays, repoRoot } from '../src/paths.js';
import { asProcessEnv, resolveContainerEnv, type ResolvedEnv } from '../src/pod-env.js';
import { serviceNames, services } from '../src/services.js';
import { podTemplateOf, workloads } from '../src/workloads.js';
import { deploymentOf, documentSets, find, kubectlHere } from './document-sets.js';

const sets = await documentSets();
const onlyContainer = (containers: IContainer[] | undefined): IContainer => {
  expect(containers).toHaveLength(1);
  return containers![0]!;
};
const serviceEnv = (documents: Parameters<typeof deploymentOf>[0], service: (typeof serviceNames)[number]) =>
  resolveContainerEnv(
    onlyContainer(podTemplateOf(deploymentOf(documents, service))!.spec.containers),
    documents,
  );
/** The Secrets and ConfigMaps a container reads, by name. */
const sourcesOf = (container: IContainer): string[] => [
  ...(container.envFrom ?? []).map((source) => source.secretRef?.name ?? source.configMapRef?.name ?? ''),
  ...(container.env ?? []).map(
    (entry) => entry.valueFrom?.secretKeyRef?.name ?? entry.valueFrom?.configMapKeyRef?.name ?? '',
  ),
];
/** The privileges a GRANT statement gives to a user on a database, sorted. */
const grantsIn = (sql: string, user: string): string[] =>
  [...sql.matchAll(/GRANT ([A-Z, ]+) ON \S+ TO '([^']+)'/g)]
    .filter((match) => match[2] === user)
    .flatMap((match) => match[1]!.split(',').map((privilege) => privilege.trim()))
    .sort();

describe.each(sets)('$name', ({ documents }) => {
  const job = find<IJob>(documents, 'Job', 'conveyor-migrate');
  const jobContainer = onlyContainer(podTemplateOf(job)!.spec.containers);
  const jobEnv = resolveContainerEnv(jobContainer, documents);
  const gateway = onlyContainer(podTemplateOf(deploymentOf(documents, 'gateway'))!.spec.containers);
  const gatewayEnv = serviceEnv(documents, 'gateway');

  it('runs the migration Job from a Secret of its own, as another user of the services’ database', () => {
    const ref = jobContainer.env?.find((entry) => entry.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
    expect(ref?.name).toMatch(/^conveyor-migrate(-[a-z0-9]{10})?$/);
    const migration = new URL(jobEnv.values.get('DATABASE_URL')!);
    for (const service of serviceNames) {
      const url = new URL(serviceEnv(documents, service).values.get('DATABASE_URL')!);
      expect(url.username, service).not.toBe(migration.username);
      expect(url.host + url.pathname, service).toBe(migration.host + migration.pathname);
    }
  });

  it('lets no service, CronJob or other pod read the migration Secret', () => {
    for (const { manifest, pod } of workloads(documents)) {
      if (manifest.kind === 'Job' && manifest.metadata.name === 'conveyor-migrate') continue;
      for (const container of pod.spec.containers)
        expect(
          sourcesOf(container).filter((name) => name.startsWith('conveyor-migrate')),
          manifest.metadata.name,
        ).toEqual([]);
    }
  });

  it('requires the token Secret, and its CHANGE_ME placeholder stops the gateway naming GATEWAY_TOKEN', () => {
    const ref = gateway.env?.find((entry) => entry.name === 'GATEWAY_TOKEN')?.valueFrom?.secretKeyRef;
    expect(ref?.name).toMatch(/^conveyor-gateway-token/);
    expect(ref?.optional ?? false).toBe(false);
    expect(gatewayEnv.values.get('GATEWAY_TOKEN')).toMatch(/^CHANGE_ME/);
    expect(() => loadConfig(services.gateway.schema, asProcessEnv(gatewayEnv))).toThrow(
      /GATEWAY_TOKEN: is the placeholder/,
    );
  });

  it('stops the gateway with a token shorter than 32 characters (GATEWAY_TOKEN_MIN_LENGTH), and runs it with one of 32', () => {
    expect(gatewayEnv.values.get('GATEWAY_TOKEN_MIN_LENGTH')).toBe('32');
    const withToken = (token: string) => ({ ...asProcessEnv(gatewayEnv), GATEWAY_TOKEN: token });
    expect(() => loadConfig(services.gateway.schema, withToken('t'.repeat(31)))).toThrow(
      /GATEWAY_TOKEN: use at least 32 characters/,
    );
    expect(() => loadConfig(services.gateway.schema, withToken('t'.repeat(32)))).not.toThrow();
  });

  it('closes the reads and the introspection, and bounds runs the same at the gateway and the leader', () => {
    expect(gatewayEnv.values.get('GATEWAY_PUBLIC_READS')).toBe('false');
    expect(gatewayEnv.values.get('GATEWAY_INTROSPECTION')).toBe('false');
    const leader = serviceEnv(documents, 'leader');
    expect(gatewayEnv.values.get('MAX_TASKS_PER_RUN')).toBe(leader.values.get('MAX_TASKS_PER_RUN'));
  });
});

describe.skipIf(!kubectlHere)(
  kubectlHere
    ? 'the example overlay’s database'
    : 'the example overlay’s database (skipped: kubectl is not installed here)',
  () => {
    const overlay = sets.find((set) => set.name === 'example overlay');

    it('gives the services’ user the README’s grants (rows only), the migration user the schema', async () => {
      const documents = overlay!.documents;
      const mysql = find<IStatefulSet>(documents, 'StatefulSet', 'mysql');
      const container = onlyContainer(podTemplateOf(mysql)!.spec.containers);
      const env: ResolvedEnv = resolveContainerEnv(container, documents);
      const pod = podTemplateOf(mysql)!.spec;
      const init = container.volumeMounts?.find((mount) => mount.mountPath === '/docker-entrypoint-initdb.d');
      const configMap = pod.volumes?.find((volume) => volume.name === init?.name)?.configMap?.name ?? '';
      expect(configMap).toMatch(/^mysql-example-init/);
      const script = Object.values(
        find<{ data: Record<string, string> }>(documents, 'ConfigMap', configMap).data,
      )
        .join('\n')
        .replaceAll('${CONVEYOR_SERVICES_USER}', env.values.get('CONVEYOR_SERVICES_USER')!);

      // The services connect as the user the script creates, with its password; the Job as the image's user.
      const services = new URL(serviceEnv(documents, 'worker').values.get('DATABASE_URL')!);
      expect(services.username).toBe(env.values.get('CONVEYOR_SERVICES_USER'));
      expect(services.password).toBe(env.values.get('CONVEYOR_SERVICES_PASSWORD'));
      const migration = new URL(
        resolveContainerEnv(
          onlyContainer(podTemplateOf(find<IJob>(documents, 'Job', 'conveyor-migrate'))!.spec.containers),
          documents,
        ).values.get('DATABASE_URL')!,
      );
      expect(migration.username).toBe(env.values.get('MYSQL_USER'));
      expect(migration.password).toBe(env.values.get('MYSQL_PASSWORD'));

      const dml = ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];
      expect(grantsIn(script, services.username)).toEqual(dml);
      const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('### Database grants'));
      expect(
        grantsIn(section.slice(0, section.indexOf('```', section.indexOf('```sql') + 6)), 'conveyor'),
      ).toEqual(dml);
    });

    it('keeps the token placeholder in the overlay until the operator replaces it', async () => {
      const text = await readFile(join(openshiftOverlays, 'example', 'secrets', 'gateway-token.env'), 'utf8');
      expect(text).toMatch(/^GATEWAY_TOKEN=CHANGE_ME/m);
    });
  },
);
