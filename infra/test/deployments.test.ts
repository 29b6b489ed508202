// The OpenShift manifests cross-checked against the code: each service's Deployment sets what its config
// schema needs and nothing it does not know, its probes hit its health port, the KEDA ScaledObject watches
// the queue the worker consumes, and the images are those docker compose builds.
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { brokerNames } from '@conveyor/messages';
import { loadConfig } from '@conveyor/runtime';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCompose } from '../src/compose.js';
import { Kustomization } from '../src/custom-kinds.js';
import { parseYaml } from '../src/manifests.js';
import type { Route } from '../src/custom-kinds.js';
import { matchesSelector } from '../src/network-policy.js';
import { composeFile, openshiftOverlays, repoRoot } from '../src/paths.js';
import { asProcessEnv, resolveContainerEnv } from '../src/pod-env.js';
import {
  cliVariables,
  defaultOf,
  defaultedVariables,
  knownVariables,
  requiredVariables,
  serviceNames,
  services,
  startRunSchema,
} from '../src/services.js';
import { imageName, podTemplateOf, workloads, type PodTemplate } from '../src/workloads.js';
import { deploymentOf, documentSets, find, kubectlHere } from './document-sets.js';

const sets = await documentSets();
const compose = await loadCompose(composeFile);
const cliKnows = await cliVariables(`${repoRoot}packages/cli/src`);

/** A Kubernetes memory quantity in MiB (Mi, Gi, M, G or bytes). */
function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  const factor = { Mi: 1, Gi: 1024, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 }[match[2] ?? ''] ?? 1 / 2 ** 20;
  return Number(match[1]) * factor;
}

const onlyContainer = (pod: PodTemplate): IContainer => {
  expect(pod.spec.containers).toHaveLength(1);
  return pod.spec.containers[0]!;
};

it.skipIf(!kubectlHere)(
  kubectlHere
    ? 'the checks below also run on the example overlay as kubectl kustomize renders it'
    : 'the checks below also run on the example overlay (skipped: kubectl is not installed here)',
  () => {
    expect(sets.map((set) => set.name)).toContain('example overlay');
  },
);

it('has the example overlay rename exactly the images docker compose builds', async () => {
  const kustomization = Kustomization.parse(
    parseYaml(await readFile(join(openshiftOverlays, 'example', 'kustomization.yaml'), 'utf8')),
  );
  const composeImages = new Set(
    Object.values(compose.services).flatMap((entry) =>
      entry.image?.startsWith('conveyor/') ? [imageName(entry.image)] : [],
    ),
  );
  expect(new Set(kustomization.images?.map((image) => image.name))).toEqual(composeImages);
});

describe.each(sets)('$name', ({ name, documents }) => {
  describe.each(serviceNames)('the %s Deployment', (service) => {
    const { schema, healthPortVariable } = services[service];
    const deployment = deploymentOf(documents, service);
    const pod = podTemplateOf(deployment)!;
    const container = onlyContainer(pod);
    const env = resolveContainerEnv(container, documents);

    it('sets every variable its config requires, from ConfigMaps and Secrets that exist', () => {
      expect(env.missing).toEqual([]);
      for (const variable of requiredVariables(schema)) expect(env.values.has(variable)).toBe(true);
    });

    it('sets every variable that has a default explicitly (DESIGN §4), so that no default decides in production', () => {
      expect(defaultedVariables(schema).filter((variable) => !env.values.has(variable))).toEqual([]);
    });

    it('sets no variable its service does not know', () => {
      const known = [...knownVariables(schema), 'NODE_OPTIONS'];
      expect([...env.values.keys()].filter((variable) => !known.includes(variable))).toEqual([]);
    });

    it('sets values its config schema accepts, and every shared one explicitly', () => {
      // The shipped GATEWAY_TOKEN is a placeholder the gateway refuses on purpose (least-privilege.test.ts):
      // everything else must be accepted as it is.
      const values = asProcessEnv(env);
      if (service === 'gateway') values.GATEWAY_TOKEN = 'a-real-token-of-thirty-two-chars';
      expect(() => loadConfig(schema, values)).not.toThrow();
      for (const variable of [
        'DATABASE_URL',
        'AMQP_URL',
        'CONVEYOR_NAMESPACE',
        'LOG_LEVEL',
        'SHUTDOWN_GRACE_MS',
      ])
        expect(env.values.get(variable)).toBeTruthy();
    });

    it("caps Node's heap (NODE_OPTIONS=--max-old-space-size) between half and 3/4 of its memory limit", () => {
      const heapMb = Number(/--max-old-space-size=(\d+)/.exec(env.values.get('NODE_OPTIONS') ?? '')?.[1]);
      const limitMb = mebibytes(String(container.resources?.limits?.memory));
      expect(heapMb).toBeGreaterThanOrEqual(limitMb / 2);
      expect(heapMb).toBeLessThanOrEqual((limitMb * 3) / 4);
    });

    it('probes /healthz and /readyz on the port its health variable sets', () => {
      const port = Number(env.values.get(healthPortVariable));
      const health = container.ports?.find((p) => p.name === 'health');
      expect(health?.containerPort).toBe(port);
      const probePort = (probe: typeof container.livenessProbe) => {
        const target = probe?.httpGet?.port;
        return typeof target === 'string'
          ? container.ports?.find((p) => p.name === target)?.containerPort
          : target;
      };
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container.startupProbe?.httpGet?.path).toBe('/healthz');
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
        expect(probePort(probe)).toBe(port);
    });

    it('is given more time to stop than its drain may take (terminationGracePeriodSeconds > SHUTDOWN_GRACE_MS)', () => {
      const graceMs = Number(env.values.get('SHUTDOWN_GRACE_MS') ?? defaultOf(schema, 'SHUTDOWN_GRACE_MS'));
      expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(graceMs / 1000);
    });

    it('runs as any non-root UID, without capabilities, on a read-only root with a writable /tmp', () => {
      expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.spec.securityContext?.runAsUser).toBeUndefined();
      expect(container.securityContext?.runAsUser).toBeUndefined();
      expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(container.securityContext?.capabilities?.drop).toContain('ALL');
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(pod.spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(pod.spec.automountServiceAccountToken).toBe(false);
    });

    it('asks for CPU and memory and is capped', () => {
      for (const bound of [container.resources?.requests, container.resources?.limits]) {
        expect(bound?.cpu).toBeDefined();
        expect(bound?.memory).toBeDefined();
      }
    });

    it('has a Service on its health port and a PodDisruptionBudget, both selecting its pods', () => {
      const svc = find<IService>(documents, 'Service', `conveyor-${service}`);
      expect(matchesSelector({ matchLabels: svc.spec?.selector }, pod.labels)).toBe(true);
      expect(svc.spec?.ports).toContainEqual(
        expect.objectContaining({
          name: 'health',
          port: Number(env.values.get(healthPortVariable)),
          targetPort: 'health',
        }),
      );
      const budget = find<IPodDisruptionBudget>(documents, 'PodDisruptionBudget', `conveyor-${service}`);
      expect(matchesSelector(budget.spec?.selector, pod.labels)).toBe(true);
      expect(matchesSelector(deployment.spec?.selector, pod.labels)).toBe(true);
    });

    if (name === 'base')
      it('runs the image docker compose builds for it', () => {
        expect(container.image).toBe(compose.services[service]?.image);
      });
  });

  describe('the gateway', () => {
    const container = onlyContainer(podTemplateOf(deploymentOf(documents, 'gateway'))!);
    const env = resolveContainerEnv(container, documents);

    it('serves GATEWAY_PORT through its Service and a TLS edge Route', () => {
      const port = Number(env.values.get('GATEWAY_PORT'));
      expect(container.ports?.find((p) => p.name === 'http')?.containerPort).toBe(port);
      const svc = find<IService>(documents, 'Service', 'conveyor-gateway');
      expect(svc.spec?.ports).toContainEqual(
        expect.objectContaining({ name: 'http', port, targetPort: 'http' }),
      );
      const route = find<Route>(documents, 'Route', 'conveyor-gateway');
      expect(route.spec.to).toMatchObject({ kind: 'Service', name: 'conveyor-gateway' });
      expect(route.spec.port?.targetPort).toBe('http');
      expect(route.spec.tls).toMatchObject({
        termination: 'edge',
        insecureEdgeTerminationPolicy: 'Redirect',
      });
    });

    it('takes GATEWAY_TOKEN from a Secret', () => {
      expect(container.env?.find((e) => e.name === 'GATEWAY_TOKEN')?.valueFrom?.secretKeyRef).toBeDefined();
      expect(env.values.get('GATEWAY_TOKEN')?.length).toBeGreaterThanOrEqual(16);
    });
  });

  describe('worker autoscaling', () => {
    const worker = deploymentOf(documents, 'worker');
    const workerEnv = resolveContainerEnv(onlyContainer(podTemplateOf(worker)!), documents);
    const scaled = find<IScaledObject>(documents, 'ScaledObject', 'conveyor-worker');
    const trigger = scaled.spec.triggers[0]!;

    it('scales the worker Deployment, which leaves its replica count to KEDA', () => {
      expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'conveyor-worker' });
      expect(worker.spec?.replicas).toBeUndefined();
    });

    it('watches the queue the worker consumes: brokerNames(CONVEYOR_NAMESPACE).tasksQueue', () => {
      const namespace = workerEnv.values.get('CONVEYOR_NAMESPACE')!;
      expect(scaled.spec.triggers).toHaveLength(1);
      expect(trigger.type).toBe('rabbitmq');
      expect(trigger.metadata?.queueName).toBe(brokerNames(namespace).tasksQueue);
    });

    it('counts queued and unacknowledged tasks (QueueLength over http), from zero, slowly down', () => {
      expect(trigger.metadata).toMatchObject({ mode: 'QueueLength', protocol: 'http' });
      expect(scaled.spec.minReplicaCount).toBe(0);
      expect(scaled.spec.maxReplicaCount).toBeGreaterThan(1);
      const scaleDown = scaled.spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown;
      expect(scaleDown?.stabilizationWindowSeconds).toBeGreaterThan(0);
    });

    it('targets at least WORKER_CONCURRENCY tasks per worker, so that no worker is started to sit idle', () => {
      const concurrency = Number(workerEnv.values.get('WORKER_CONCURRENCY'));
      expect(Number(trigger.metadata?.value)).toBeGreaterThanOrEqual(concurrency);
    });

    it('targets at least what a worker holds (WORKER_PREFETCH), so that a worker it starts finds tasks queued', () => {
      const prefetch = Number(workerEnv.values.get('WORKER_PREFETCH'));
      expect(prefetch).toBeGreaterThanOrEqual(Number(workerEnv.values.get('WORKER_CONCURRENCY')));
      expect(Number(trigger.metadata?.value)).toBeGreaterThanOrEqual(prefetch);
    });

    it('authenticates with the management API URL from a Secret (TriggerAuthentication)', () => {
      expect(trigger.authenticationRef?.name).toBe('conveyor-keda-rabbitmq');
      const auth = find<ITriggerAuthentication>(documents, 'TriggerAuthentication', 'conveyor-keda-rabbitmq');
      const ref = auth.spec?.secretTargetRef?.find((r) => r.parameter === 'host');
      const secret = find<{ data?: Record<string, string> }>(documents, 'Secret', ref?.name ?? '');
      const host = new URL(Buffer.from(secret.data?.[ref?.key ?? ''] ?? '', 'base64').toString('utf8'));
      expect(host.protocol).toBe('http:');
      expect(host.port).toBe('15672');
      expect(host.username).not.toBe('');
      expect(host.pathname).toBe('/');
      // KEDA runs in its own namespace: the host must name the Service with its namespace.
      expect(host.hostname).toMatch(/^conveyor-rabbitmq\.[a-z0-9-]+\.svc(\.cluster\.local)?$/);
      const amqp = new URL(workerEnv.values.get('AMQP_URL')!);
      expect(host.username).toBe(amqp.username);
    });
  });

  describe('the monthly start-run CronJob', () => {
    const cron = find<ICronJob>(documents, 'CronJob', 'conveyor-start-run');
    const container = onlyContainer(podTemplateOf(cron)!);
    const env = resolveContainerEnv(container, documents);

    it("runs the leader image's `node dist/start-run.js` once a month, never twice at once", () => {
      expect(cron.spec?.schedule).toBe('0 2 1 * *');
      expect(cron.spec?.concurrencyPolicy).toBe('Forbid');
      expect(container.image).toBe(onlyContainer(podTemplateOf(deploymentOf(documents, 'leader'))!).image);
      expect(container.command).toEqual(['node', 'dist/start-run.js']);
    });

    it('sets only variables start-run knows, with values its schema accepts', () => {
      expect(env.missing).toEqual([]);
      const known = knownVariables(startRunSchema);
      expect([...env.values.keys()].filter((variable) => !known.includes(variable))).toEqual([]);
      for (const variable of requiredVariables(startRunSchema)) expect(env.values.has(variable)).toBe(true);
      expect(defaultedVariables(startRunSchema).filter((variable) => !env.values.has(variable))).toEqual([]);
      expect(() => loadConfig(startRunSchema, asProcessEnv(env))).not.toThrow();
    });
  });

  describe('the migration Job', () => {
    const job = find<IJob>(documents, 'Job', 'conveyor-migrate');
    const container = onlyContainer(podTemplateOf(job)!);
    const env = resolveContainerEnv(container, documents);

    it('runs `migrate` of the CLI image against the services’ database, as the migration user', () => {
      expect(container.command).toEqual(['node', 'dist/main.js', 'migrate']);
      expect(imageName(container.image ?? '')).toMatch(/(^|\/)cli$/);
      const worker = resolveContainerEnv(
        onlyContainer(podTemplateOf(deploymentOf(documents, 'worker'))!),
        documents,
      );
      const migration = new URL(env.values.get('DATABASE_URL')!);
      const services = new URL(worker.values.get('DATABASE_URL')!);
      expect(migration.host + migration.pathname).toBe(services.host + services.pathname);
      expect(migration.username).not.toBe(services.username);
      expect([...env.values.keys()].filter((variable) => !cliKnows.includes(variable))).toEqual([]);
    });

    if (name === 'base')
      it('uses the CLI image docker compose builds for `migrate`', () => {
        expect(container.image).toBe(compose.services.migrate?.image);
      });
  });

  it('hardens every pod it runs the same way (non-root, no capabilities, read-only root, bounded resources)', () => {
    for (const { manifest, pod } of workloads(documents)) {
      const where = `${manifest.kind} ${manifest.metadata.name}`;
      expect(pod.spec.securityContext?.runAsNonRoot, where).toBe(true);
      for (const container of pod.spec.containers) {
        expect(container.securityContext?.capabilities?.drop, where).toContain('ALL');
        expect(container.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(container.resources?.limits?.memory, where).toBeDefined();
        expect(container.resources?.requests?.cpu, where).toBeDefined();
      }
    }
  });
});
