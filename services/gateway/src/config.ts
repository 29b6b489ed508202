import { z } from 'zod';
import {
  flag,
  loadConfig as parseEnvironment,
  maxTasksPerRun,
  port,
  positiveInt,
  sharedEnv,
} from '@conveyor/runtime';

export const GatewayConfig = z
  .object({
    ...sharedEnv,
    /** GraphQL over HTTP, SSE and WebSocket at /graphql, the dashboard at /, exports at /runs/:id/results.*. */
    GATEWAY_PORT: port.default(4000),
    /** /healthz, /readyz and /metrics. */
    GATEWAY_HEALTH_PORT: port.default(9105),
    /**
     * When set, every GraphQL operation, export and WebSocket connection needs
     * `Authorization: Bearer <token>` (queries and exports too, unless GATEWAY_PUBLIC_READS).
     */
    GATEWAY_TOKEN: z.string().optional(),
    /** Shortest GATEWAY_TOKEN accepted; the manifests set 32, so that a short token stops the gateway. */
    GATEWAY_TOKEN_MIN_LENGTH: positiveInt.default(16),
    /** `true` opens queries and exports to anyone who reaches the gateway, on purpose (a read-only wallboard). */
    GATEWAY_PUBLIC_READS: flag.default(false),
    /**
     * Origins besides the gateway's own allowed for browser requests (CORS) and WebSocket connections,
     * comma-separated; unset: the gateway's own origin only (the dashboard is same-origin).
     */
    GATEWAY_CORS_ORIGINS: z.string().optional(),
    /** Schema introspection (`__schema`, `__type`): on for development, off in the manifests. */
    GATEWAY_INTROSPECTION: flag.default(true),
    /** Deepest query accepted (levels of nested selections). */
    GATEWAY_MAX_DEPTH: positiveInt.default(10),
    /**
     * Largest query cost: 1 per field, times the page size (`first`, from literals or variables; 50
     * when absent) of every connection around it.
     */
    GATEWAY_MAX_COST: positiveInt.default(20_000),
    /** Longest a query may run (ms) before it answers an error. */
    GATEWAY_MAX_EXECUTION_MS: positiveInt.default(10_000),
    /** Largest request body, and largest WebSocket message (bytes): a query is a few kB at most. */
    GATEWAY_MAX_BODY_BYTES: positiveInt.default(100_000),
    /** Exports at once per replica, each with a connection of the exports' own pool; more get 503. */
    GATEWAY_MAX_EXPORTS: positiveInt.default(4),
    /** An export whose client reads nothing for this long (ms) is cut off, freeing its connection. */
    GATEWAY_EXPORT_IDLE_MS: positiveInt.default(30_000),
    /** Longest an export may take (ms), however fast its client reads. */
    GATEWAY_EXPORT_TIMEOUT_MS: positiveInt.default(900_000),
    /** startRun answers TooManyTasksError for a request it can count over this (the leader checks every plan). */
    MAX_TASKS_PER_RUN: maxTasksPerRun,
  })
  .superRefine((config, context) => {
    const token = config.GATEWAY_TOKEN;
    if (token === undefined) return;
    if (token.startsWith('CHANGE_ME'))
      context.addIssue({
        code: 'custom',
        path: ['GATEWAY_TOKEN'],
        message: 'is the placeholder (CHANGE_ME…): set a long random token, e.g. `openssl rand -hex 32`',
      });
    else if (token.length < config.GATEWAY_TOKEN_MIN_LENGTH)
      context.addIssue({
        code: 'custom',
        path: ['GATEWAY_TOKEN'],
        message: `use at least ${config.GATEWAY_TOKEN_MIN_LENGTH} characters (GATEWAY_TOKEN_MIN_LENGTH)`,
      });
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return parseEnvironment(GatewayConfig, env);
}

/** `GATEWAY_CORS_ORIGINS` as a list (empty: the gateway's own origin only). */
export function corsOrigins(config: GatewayConfig): string[] {
  return (config.GATEWAY_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}
