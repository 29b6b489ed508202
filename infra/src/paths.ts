// Where the deployment files live, from this file's place in infra/src.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const infraRoot = fileURLToPath(new URL('../', import.meta.url));
export const openshiftBase = fileURLToPath(new URL('../openshift/base', import.meta.url));
export const openshiftOverlays = fileURLToPath(new URL('../openshift/overlays', import.meta.url));
export const composeFile = `${repoRoot}docker-compose.yml`;
export const dockerfile = `${repoRoot}Dockerfile`;
export const healthcheckScript = fileURLToPath(new URL('../docker/healthcheck.mjs', import.meta.url));
