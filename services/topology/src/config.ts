import { z } from 'zod';
import { loadConfig as parseEnvironment, port, positiveInt, sharedEnv } from '@conveyor/runtime';

export const TopologyConfig = z.object({
  ...sharedEnv,
  TOPOLOGY_HEALTH_PORT: port.default(9101),
  /** `file:` sources are resolved inside this folder; paths escaping it are refused. */
  TOPOLOGY_DIR: z.string().default(process.cwd()),
  /**
   * Most nodes a topology may have: a `synthetic:` source's substations × nodes is checked before it is
   * generated, a file's nodes before it is built (memory grows with them: ~1 kB per node to build).
   */
  MAX_TOPOLOGY_NODES: positiveInt.default(1_000_000),
  /** Largest `file:` source (bytes), checked before it is read: 256 MiB. */
  MAX_TOPOLOGY_BYTES: positiveInt.default(256 * 1024 * 1024),
});
export type TopologyConfig = z.infer<typeof TopologyConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): TopologyConfig {
  return parseEnvironment(TopologyConfig, env);
}
