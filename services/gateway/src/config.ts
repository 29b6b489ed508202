import { z } from 'zod';
import { loadConfig as parseEnvironment, port, positiveInt, sharedEnv } from '@conveyor/runtime';

export const GatewayConfig = z.object({
  ...sharedEnv,
  /** GraphQL over HTTP, SSE and WebSocket at /graphql, and the results CSV at /runs/:id/results.csv. */
  GATEWAY_PORT: port.default(4000),
  GATEWAY_HEALTH_PORT: port.default(9105),
  /** When set, every mutation and subscription needs `Authorization: Bearer <token>`. */
  GATEWAY_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Origins allowed by CORS, comma-separated; unset allows none but the gateway's own pages. */
  GATEWAY_CORS_ORIGINS: z.string().optional(),
  /** Deepest query accepted. */
  GATEWAY_MAX_DEPTH: positiveInt.default(10),
  /** Largest query cost accepted (graphql-armor's cost limit). */
  GATEWAY_MAX_COST: positiveInt.default(20_000),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return parseEnvironment(GatewayConfig, env);
}
