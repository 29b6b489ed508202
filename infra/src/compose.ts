// docker-compose.yml read as Compose reads it: YAML merge keys (`<<: *anchor`) applied, `${VAR:-default}`
// interpolated from a given environment, and the parts the checks need parsed.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const Condition = z.enum(['service_started', 'service_healthy', 'service_completed_successfully']);

export const ComposeService = z.looseObject({
  image: z.string().optional(),
  build: z.looseObject({ context: z.string(), args: z.record(z.string(), z.string()).optional() }).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  depends_on: z.record(z.string(), z.strictObject({ condition: Condition })).optional(),
  healthcheck: z
    .looseObject({
      test: z.array(z.string()),
      interval: z.string().optional(),
      timeout: z.string().optional(),
      retries: z.number().int().optional(),
      start_period: z.string().optional(),
    })
    .optional(),
  ports: z.array(z.string()).optional(),
  profiles: z.array(z.string()).optional(),
  container_name: z.string().optional(),
  stop_grace_period: z.string().optional(),
  restart: z.string().optional(),
  volumes: z.array(z.string()).optional(),
});
export type ComposeService = z.infer<typeof ComposeService>;

export const ComposeFile = z.looseObject({
  services: z.record(z.string(), ComposeService),
  volumes: z.record(z.string(), z.unknown()).optional(),
});
export type ComposeFile = z.infer<typeof ComposeFile>;

/** Compose's interpolation: `$$` is a dollar, `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset). */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, operator?: string, fallback?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const value = env[braced ?? bare ?? ''];
      if (operator === ':-') return value === undefined || value === '' ? (fallback ?? '') : value;
      if (operator === '-') return value === undefined ? (fallback ?? '') : value;
      return value ?? '';
    },
  );
}

function interpolateAll(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)]));
  return value;
}

export async function loadCompose(
  path: string,
  env: Record<string, string | undefined> = {},
): Promise<ComposeFile> {
  const raw: unknown = parse(await readFile(path, 'utf8'), { merge: true });
  return ComposeFile.parse(interpolateAll(raw, env));
}

/** A service's environment as the container sees it: values as strings, empty ones left out (unset). */
export function serviceEnv(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {})
      .filter(([, value]) => value !== null && value !== '')
      .map(([key, value]) => [key, String(value)]),
  );
}

/** Compose durations (`1m30s`, `75s`, `500ms`) in milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g, (_whole, amount: string, unit: string) => {
    total += Number(amount) * (units[unit] ?? Number.NaN);
    return '';
  });
  if (rest.trim() !== '' || text.trim() === '') throw new Error(`not a duration: ${text}`);
  return total;
}
