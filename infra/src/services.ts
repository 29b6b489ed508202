// What the code says each deployable needs: the services' own config schemas (their keys are the
// environment variable names), read from their source so that the manifests are checked against them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { GatewayConfig } from '../../services/gateway/src/config.js';
import { LeaderConfig, StartRunConfig } from '../../services/leader/src/config.js';
import { PollerConfig } from '../../services/poller/src/config.js';
import { TopologyConfig } from '../../services/topology/src/config.js';
import { WorkerConfig } from '../../services/worker/src/config.js';

export type ServiceName = 'topology' | 'leader' | 'worker' | 'poller' | 'gateway';

type ObjectSchema = z.ZodObject;

/** The five long-running services: their config schema and the variable naming their health port. */
export const services: Record<ServiceName, { schema: ObjectSchema; healthPortVariable: string }> = {
  topology: { schema: TopologyConfig, healthPortVariable: 'TOPOLOGY_HEALTH_PORT' },
  leader: { schema: LeaderConfig, healthPortVariable: 'LEADER_HEALTH_PORT' },
  worker: { schema: WorkerConfig, healthPortVariable: 'WORKER_HEALTH_PORT' },
  poller: { schema: PollerConfig, healthPortVariable: 'POLLER_HEALTH_PORT' },
  gateway: { schema: GatewayConfig, healthPortVariable: 'GATEWAY_HEALTH_PORT' },
};

export const serviceNames = Object.keys(services) as ServiceName[];

/** The leader's scheduled `start-run` command (the CronJob). */
export const startRunSchema: ObjectSchema = StartRunConfig;

/** Variables the schema knows. */
export function knownVariables(schema: ObjectSchema): string[] {
  return Object.keys(schema.shape);
}

/** Variables without a default that may not be left out. */
export function requiredVariables(schema: ObjectSchema): string[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
}

/** Variables with a default: DESIGN §4 wants the deployment files to set each of them explicitly. */
export function defaultedVariables(schema: ObjectSchema): string[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => {
      const parsed = field.safeParse(undefined);
      return parsed.success && parsed.data !== undefined;
    })
    .map(([name]) => name);
}

/** The default of a variable, when it has one. */
export function defaultOf(schema: ObjectSchema, variable: string): unknown {
  const field = (schema.shape as Record<string, z.ZodType>)[variable];
  const parsed = field?.safeParse(undefined);
  return parsed?.success ? parsed.data : undefined;
}

/**
 * The variables the CLI reads (it has no schema): the names passed to its `url('NAME', …)` helper and
 * every `process.env.NAME` in its source.
 */
export async function cliVariables(cliSource: string): Promise<string[]> {
  const names = new Set<string>();
  const files = (await readdir(cliSource, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  for (const file of files) {
    const text = await readFile(join(cliSource, file), 'utf8');
    for (const match of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)|\burl\('([A-Z][A-Z0-9_]*)'/g))
      names.add(match[1] ?? match[2] ?? '');
  }
  return [...names].sort();
}
