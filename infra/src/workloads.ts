// The pods the manifests run: the pod template of a Deployment, StatefulSet, Job or CronJob.
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { Located, Manifest } from './manifests.js';

export type PodTemplate = { labels: Record<string, string>; spec: IPodSpec };

type WithTemplate = {
  spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: IPodSpec } };
};
type CronJobShape = { spec?: { jobTemplate?: WithTemplate } };

export function podTemplateOf(manifest: Manifest): PodTemplate | undefined {
  const owner: WithTemplate | undefined =
    manifest.kind === 'CronJob'
      ? (manifest as unknown as CronJobShape).spec?.jobTemplate
      : ['Deployment', 'StatefulSet', 'Job'].includes(manifest.kind)
        ? (manifest as unknown as WithTemplate)
        : undefined;
  const template = owner?.spec?.template;
  if (!template?.spec) return undefined;
  return { labels: template.metadata?.labels ?? {}, spec: template.spec };
}

/** Every workload with its pod template. */
export function workloads(documents: Located[]): (Located & { pod: PodTemplate })[] {
  return documents.flatMap((document) => {
    const pod = podTemplateOf(document.manifest);
    return pod ? [{ ...document, pod }] : [];
  });
}

/** `name:tag` → `name`, keeping a registry's port (`host:5000/name:tag` → `host:5000/name`). */
export function imageName(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(0, at) : image;
}
