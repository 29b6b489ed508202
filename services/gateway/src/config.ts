import { z } from 'zod';
import { loadConfig as parseEnvironment, port, positiveInt, sharedEnv } from '@conveyor/runtime';

export const GatewayConfig = z.object({
  ...sharedEnv,
  /** GraphQL over HTTP, SSE and WebSocket at /graphql, the dashboard at /, the CSV at /runs/:id/results.csv. */
  GATEWAY_PORT: port.default(4000),
  /** /healthz, /readyz and /metrics. */
  GATEWAY_HEALTH_PORT: port.default(9105),
  /** When set, every mutation and subscription needs `Authorization: Bearer <token>`. */
  GATEWAY_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Origins allowed by CORS, comma-separated; unset: no cross-origin access (the dashboard is same-origin). */
  GATEWAY_CORS_ORIGINS: z.string().optional(),
  /** Deepest query accepted (levels of nested selections). */
  GATEWAY_MAX_DEPTH: positiveInt.default(10),
  /** Largest query cost (graphql-armor's complexity estimate: objects 2, scalars 1, ×1.5 per level). */
  GATEWAY_MAX_COST: positiveInt.default(20_000),
  /** Largest request body, and largest WebSocket message (bytes): a query is a few kB at most. */
  GATEWAY_MAX_BODY_BYTES: positiveInt.default(100_000),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return parseEnvironment(GatewayConfig, env);
}

/** `GATEWAY_CORS_ORIGINS` as a list (empty: CORS off). */
export function corsOrigins(config: GatewayConfig): string[] {
  return (config.GATEWAY_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}
