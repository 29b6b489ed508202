// Validates one manifest against the schema of its kind: Kubernetes' own OpenAPI schemas (kubernetes-models),
// KEDA's CRD schemas (@kubernetes-models/keda), and hand-written zod schemas for the rest.
import { ScaledObject, type IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import {
  TriggerAuthentication,
  type ITriggerAuthentication,
} from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { RabbitmqCluster, Route } from './custom-kinds.js';
import type { Manifest } from './manifests.js';

type Check = (manifest: Manifest) => void;

/**
 * One entry per kind these manifests may contain, with the module and interface that type it (for
 * `findUnknownFields`). A kind missing here is an error: add its schema with it.
 */
export const kinds: Record<string, { check: Check; typedBy?: { module: string; type: string } }> = {
  'v1/ConfigMap': {
    check: (m) => new ConfigMap(m).validate(),
    typedBy: { module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  },
  'v1/Secret': {
    check: (m) => new Secret(withUnwrappedData(m as unknown as ISecret)).validate(),
    typedBy: { module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  },
  'v1/Service': {
    check: (m) => new Service(m).validate(),
    typedBy: { module: 'kubernetes-models/v1/Service', type: 'IService' },
  },
  'apps/v1/Deployment': {
    check: (m) => new Deployment(m).validate(),
    typedBy: { module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  },
  'apps/v1/StatefulSet': {
    check: (m) => new StatefulSet(m).validate(),
    typedBy: { module: 'kubernetes-models/apps/v1/StatefulSet', type: 'IStatefulSet' },
  },
  'batch/v1/Job': {
    check: (m) => new Job(m).validate(),
    typedBy: { module: 'kubernetes-models/batch/v1/Job', type: 'IJob' },
  },
  'batch/v1/CronJob': {
    check: (m) => new CronJob(m).validate(),
    typedBy: { module: 'kubernetes-models/batch/v1/CronJob', type: 'ICronJob' },
  },
  'policy/v1/PodDisruptionBudget': {
    check: (m) => new PodDisruptionBudget(m).validate(),
    typedBy: { module: 'kubernetes-models/policy/v1/PodDisruptionBudget', type: 'IPodDisruptionBudget' },
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    check: (m) => new NetworkPolicy(m).validate(),
    typedBy: { module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', type: 'INetworkPolicy' },
  },
  'keda.sh/v1alpha1/ScaledObject': {
    check: (m) => new ScaledObject(m as unknown as IScaledObject).validate(),
    typedBy: { module: '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', type: 'IScaledObject' },
  },
  'keda.sh/v1alpha1/TriggerAuthentication': {
    check: (m) => new TriggerAuthentication(m as unknown as ITriggerAuthentication).validate(),
    typedBy: {
      module: '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication',
      type: 'ITriggerAuthentication',
    },
  },
  'route.openshift.io/v1/Route': { check: (m) => void Route.parse(m) },
  'rabbitmq.com/v1beta1/RabbitmqCluster': { check: (m) => void RabbitmqCluster.parse(m) },
};

/**
 * Kustomize wraps long base64 values over several lines; the API server's decoder skips line breaks,
 * the schema's `byte` format does not.
 */
function withUnwrappedData(secret: ISecret): ISecret {
  const data = secret.data
    ? Object.fromEntries(Object.entries(secret.data).map(([key, value]) => [key, value.replace(/\s/g, '')]))
    : undefined;
  return data ? { ...secret, data } : secret;
}

export const kindKey = (manifest: Manifest) => `${manifest.apiVersion}/${manifest.kind}`;

/** Throws, naming the object, when the manifest breaks its kind's schema or its kind is unknown. */
export function validateManifest(manifest: Manifest): void {
  const kind = kinds[kindKey(manifest)];
  if (!kind) throw new Error(`${kindKey(manifest)} ${manifest.metadata.name}: no schema for this kind`);
  try {
    kind.check(manifest);
  } catch (error) {
    throw new Error(`${kindKey(manifest)} ${manifest.metadata.name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
