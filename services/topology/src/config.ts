import { z } from 'zod';
import { loadConfig as parseEnvironment, port, sharedEnv } from '@conveyor/runtime';

export const TopologyConfig = z.object({
  ...sharedEnv,
  TOPOLOGY_HEALTH_PORT: port.default(9101),
  /** `file:` sources are resolved inside this folder; paths escaping it are refused. */
  TOPOLOGY_DIR: z.string().default(process.cwd()),
});
export type TopologyConfig = z.infer<typeof TopologyConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): TopologyConfig {
  return parseEnvironment(TopologyConfig, env);
}
