// Schemas, by hand, for the kinds no model package covers: OpenShift's Route, the RabbitMQ operator's
// RabbitmqCluster and Kustomize's Kustomization. Strict where the whole spec is listed, so that a
// misspelt field fails here rather than being dropped by the API server.
import { z } from 'zod';

const dns1123Label = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lowercase RFC 1123 label');
const stringMap = z.record(z.string(), z.string());

export const ObjectMeta = z.strictObject({
  name: dns1123Label.max(63),
  namespace: dns1123Label.max(63).optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

const quantity = z.union([z.string().regex(/^[0-9.]+(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/), z.number()]);
const resources = z.strictObject({
  requests: z.record(z.string(), quantity).optional(),
  limits: z.record(z.string(), quantity).optional(),
});

/** route.openshift.io/v1 Route (OpenShift API reference, RouteSpec). */
export const Route = z.strictObject({
  apiVersion: z.literal('route.openshift.io/v1'),
  kind: z.literal('Route'),
  metadata: ObjectMeta,
  spec: z.strictObject({
    host: z.string().optional(),
    subdomain: z.string().optional(),
    path: z.string().startsWith('/').optional(),
    to: z.strictObject({
      kind: z.literal('Service'),
      name: dns1123Label,
      weight: z.number().int().min(0).max(256).optional(),
    }),
    alternateBackends: z
      .array(z.strictObject({ kind: z.literal('Service'), name: dns1123Label, weight: z.number().int() }))
      .max(3)
      .optional(),
    port: z
      .strictObject({ targetPort: z.union([z.string().min(1), z.number().int().positive()]) })
      .optional(),
    tls: z
      .strictObject({
        termination: z.enum(['edge', 'passthrough', 'reencrypt']),
        insecureEdgeTerminationPolicy: z.enum(['Allow', 'None', 'Redirect']).optional(),
        certificate: z.string().optional(),
        key: z.string().optional(),
        caCertificate: z.string().optional(),
        destinationCACertificate: z.string().optional(),
        externalCertificate: z.strictObject({ name: z.string() }).optional(),
      })
      .optional(),
    wildcardPolicy: z.enum(['None', 'Subdomain']).optional(),
    httpHeaders: z.unknown().optional(),
  }),
});
export type Route = z.infer<typeof Route>;

/** `key = value` lines of rabbitmq.conf (the "sysctl" format RabbitMQ refuses to boot without). */
const rabbitmqConf = z.string().refine(
  (text) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .every((line) => line === '' || line.startsWith('#') || /^[a-z][a-z0-9_.$-]*\s*=\s*\S/.test(line)),
  { message: 'each line must read `key = value`' },
);

/** rabbitmq.com/v1beta1 RabbitmqCluster (RabbitMQ Cluster Operator, RabbitmqClusterSpec). */
export const RabbitmqCluster = z.strictObject({
  apiVersion: z.literal('rabbitmq.com/v1beta1'),
  kind: z.literal('RabbitmqCluster'),
  metadata: ObjectMeta,
  spec: z.strictObject({
    replicas: z.number().int().min(0).optional(),
    image: z.string().min(1).optional(),
    imagePullSecrets: z.array(z.strictObject({ name: z.string() })).optional(),
    service: z
      .strictObject({
        type: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']).optional(),
        annotations: stringMap.optional(),
        ipFamilyPolicy: z.string().optional(),
      })
      .optional(),
    persistence: z
      .strictObject({ storageClassName: z.string().optional(), storage: quantity.optional() })
      .optional(),
    resources: resources.optional(),
    affinity: z.unknown().optional(),
    tolerations: z.array(z.unknown()).optional(),
    rabbitmq: z
      .strictObject({
        additionalPlugins: z.array(z.string()).optional(),
        additionalConfig: rabbitmqConf.optional(),
        advancedConfig: z.string().optional(),
        envConfig: z.string().optional(),
        erlangInetConfig: z.string().optional(),
      })
      .optional(),
    tls: z.unknown().optional(),
    override: z
      .strictObject({ statefulSet: z.unknown().optional(), service: z.unknown().optional() })
      .optional(),
    skipPostDeploySteps: z.boolean().optional(),
    terminationGracePeriodSeconds: z.number().int().min(0).optional(),
    delayStartSeconds: z.number().int().min(0).optional(),
    secretBackend: z.unknown().optional(),
    autoEnableAllFeatureFlags: z.boolean().optional(),
  }),
});
export type RabbitmqCluster = z.infer<typeof RabbitmqCluster>;

const generator = z.strictObject({
  name: z.string().min(1),
  behavior: z.enum(['create', 'replace', 'merge']).optional(),
  envs: z.array(z.string()).optional(),
  literals: z.array(z.string()).optional(),
  files: z.array(z.string()).optional(),
  type: z.string().optional(),
  options: z.strictObject({ disableNameSuffixHash: z.boolean().optional() }).optional(),
});

/** kustomize.config.k8s.io/v1beta1 Kustomization: the fields these manifests use. */
export const Kustomization = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
  kind: z.literal('Kustomization'),
  namespace: dns1123Label.optional(),
  resources: z.array(z.string().min(1)).optional(),
  configurations: z.array(z.string().min(1)).optional(),
  configMapGenerator: z.array(generator).optional(),
  secretGenerator: z.array(generator).optional(),
  images: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        newName: z.string().optional(),
        newTag: z.string().optional(),
        digest: z.string().optional(),
      }),
    )
    .optional(),
  replicas: z.array(z.strictObject({ name: z.string(), count: z.number().int().min(0) })).optional(),
  patches: z
    .array(
      z.strictObject({
        path: z.string().optional(),
        patch: z.string().optional(),
        target: z
          .strictObject({
            group: z.string().optional(),
            version: z.string().optional(),
            kind: z.string().optional(),
            name: z.string().optional(),
            labelSelector: z.string().optional(),
          })
          .optional(),
      }),
    )
    .optional(),
});
export type Kustomization = z.infer<typeof Kustomization>;
