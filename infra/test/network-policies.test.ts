// What the NetworkPolicies let through, asked connection by connection: each Conveyor pod reaches
// RabbitMQ, MySQL and DNS only, and is reached only by the router (gateway) and Prometheus (health ports).
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { describe, expect, it } from 'vitest';
import { allows, type Endpoint } from '../src/network-policy.js';
import { serviceNames } from '../src/services.js';
import { podTemplateOf, workloads, type PodTemplate } from '../src/workloads.js';
import { deploymentOf, documentSets } from './document-sets.js';

const sets = await documentSets();

const inNamespace = (pod: PodTemplate): Endpoint => ({
  podLabels: pod.labels,
  namespaceLabels: {},
  sameNamespace: true,
  namedPorts: Object.fromEntries(
    pod.spec.containers
      .flatMap((c) => c.ports ?? [])
      .flatMap((p) => (p.name ? [[p.name, p.containerPort]] : [])),
  ),
});
// Labels the RabbitMQ Cluster Operator puts on the pods of the RabbitmqCluster `conveyor-rabbitmq`.
const rabbitmq: Endpoint = {
  podLabels: { 'app.kubernetes.io/name': 'conveyor-rabbitmq', 'app.kubernetes.io/component': 'rabbitmq' },
  namespaceLabels: {},
  sameNamespace: true,
};
const externalDatabase: Endpoint = {
  podLabels: {},
  namespaceLabels: {},
  sameNamespace: false,
  external: true,
};
const dns: Endpoint = {
  podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' },
  namespaceLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' },
  sameNamespace: false,
};
const router: Endpoint = {
  podLabels: { 'ingresscontroller.operator.openshift.io/deployment-ingresscontroller': 'default' },
  namespaceLabels: { 'policy-group.network.openshift.io/ingress': '' },
  sameNamespace: false,
};
const prometheus: Endpoint = {
  podLabels: { 'app.kubernetes.io/name': 'prometheus' },
  namespaceLabels: { 'network.openshift.io/policy-group': 'monitoring' },
  sameNamespace: false,
};
const otherNamespace: Endpoint = {
  podLabels: { app: 'something-else' },
  namespaceLabels: { 'kubernetes.io/metadata.name': 'other' },
  sameNamespace: false,
};
const kedaOperator: Endpoint = {
  podLabels: { app: 'keda-operator' },
  namespaceLabels: { 'kubernetes.io/metadata.name': 'openshift-keda' },
  sameNamespace: false,
};

describe.each(sets)('$name', ({ name, documents }) => {
  const policies = documents
    .filter((d) => d.manifest.kind === 'NetworkPolicy')
    .map((d) => d.manifest as unknown as INetworkPolicy);
  const conveyorPods = workloads(documents).filter(
    ({ pod }) => pod.labels['app.kubernetes.io/part-of'] === 'conveyor',
  );

  it('covers every Conveyor workload (the five services, the migration Job and the CronJob)', () => {
    expect(conveyorPods.map((w) => w.manifest.metadata.name).sort()).toEqual(
      [...serviceNames.map((s) => `conveyor-${s}`), 'conveyor-migrate', 'conveyor-start-run'].sort(),
    );
  });

  it('lets every Conveyor pod reach RabbitMQ on 5672, MySQL on 3306 and DNS, and nothing else', () => {
    for (const { manifest, pod } of conveyorPods) {
      const from = inNamespace(pod);
      const where = manifest.metadata.name;
      expect(allows(policies, { from, to: rabbitmq, port: 5672 }), where).toBe(true);
      expect(allows(policies, { from, to: externalDatabase, port: 3306 }), where).toBe(true);
      expect(allows(policies, { from, to: dns, port: 5353, protocol: 'UDP' }), where).toBe(true);
      expect(allows(policies, { from, to: dns, port: 53, protocol: 'UDP' }), where).toBe(true);
      expect(allows(policies, { from, to: rabbitmq, port: 15672 }), where).toBe(false);
      expect(allows(policies, { from, to: externalDatabase, port: 443 }), where).toBe(false);
      expect(allows(policies, { from, to: otherNamespace, port: 8080 }), where).toBe(false);
    }
  });

  it('lets the router reach the gateway’s HTTP port, and nobody else', () => {
    const gateway = inNamespace(podTemplateOf(deploymentOf(documents, 'gateway'))!);
    const http = gateway.namedPorts?.http ?? 0;
    expect(http).toBeGreaterThan(0);
    expect(allows(policies, { from: router, to: gateway, port: http })).toBe(true);
    expect(allows(policies, { from: otherNamespace, to: gateway, port: http })).toBe(false);
    const worker = inNamespace(podTemplateOf(deploymentOf(documents, 'worker'))!);
    expect(allows(policies, { from: worker, to: gateway, port: http })).toBe(false);
  });

  it.each(serviceNames)('lets Prometheus, and only Prometheus, scrape the %s health port', (service) => {
    const pod = inNamespace(podTemplateOf(deploymentOf(documents, service))!);
    const health = pod.namedPorts?.health ?? 0;
    expect(allows(policies, { from: prometheus, to: pod, port: health })).toBe(true);
    expect(allows(policies, { from: router, to: pod, port: health })).toBe(false);
    expect(allows(policies, { from: otherNamespace, to: pod, port: health })).toBe(false);
  });

  if (name === 'example overlay')
    it('lets Conveyor pods reach the example in-cluster MySQL', () => {
      const mysql = workloads(documents).find((w) => w.manifest.kind === 'StatefulSet');
      expect(mysql).toBeDefined();
      const worker = inNamespace(podTemplateOf(deploymentOf(documents, 'worker'))!);
      expect(allows(policies, { from: worker, to: inNamespace(mysql!.pod), port: 3306 })).toBe(true);
    });

  it('leaves RabbitMQ reachable for KEDA’s management API calls (its pods are not Conveyor’s)', () => {
    expect(allows(policies, { from: kedaOperator, to: rabbitmq, port: 15672 })).toBe(true);
  });
});
