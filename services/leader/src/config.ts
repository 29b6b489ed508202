import { z } from 'zod';
import { Chunk } from '@conveyor/messages';
import {
  flag,
  loadConfig as parseEnvironment,
  maxTasksPerRun,
  port,
  positiveInt,
  sharedEnv,
} from '@conveyor/runtime';

export const LeaderConfig = z.object({
  ...sharedEnv,
  LEADER_HEALTH_PORT: port.default(9102),
  /** Tasks per publish batch (each batch is confirmed by the broker before the next); bundles count their tasks. */
  LEADER_PUBLISH_BATCH: positiveInt.default(1000),
  /** A plan of more tasks fails its run (run.plan-failed) before one task is published. */
  MAX_TASKS_PER_RUN: maxTasksPerRun,
});
export type LeaderConfig = z.infer<typeof LeaderConfig>;

/** What the scheduled `start-run` command (the CronJob) asks for. */
export const StartRunConfig = z.object({
  AMQP_URL: sharedEnv.AMQP_URL,
  CONVEYOR_NAMESPACE: sharedEnv.CONVEYOR_NAMESPACE,
  LOG_LEVEL: sharedEnv.LOG_LEVEL,
  /** The topology of the scheduled run, `file:…` or `synthetic:…`. */
  START_RUN_TOPOLOGY: z.string().min(1).default('synthetic:substations=24&nodes=400&seed=7'),
  START_RUN_CHUNK: Chunk.default('month'),
  /** Comma-separated selections; unset means every selection of the topology. */
  START_RUN_SELECTIONS: z.string().optional(),
  START_RUN_CALCULATION: z.string().min(1).default('grid-load'),
  /** Take the results of unchanged cells from an earlier run (`reuse`, DESIGN §6) instead of computing them. */
  START_RUN_REUSE: flag.default(false),
  /** Names the schedule in the run id (uuid v5 of schedule and month): two schedules, two runs a month. */
  START_RUN_SCHEDULE: z.string().min(1).max(64).default('monthly'),
});
export type StartRunConfig = z.infer<typeof StartRunConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): LeaderConfig {
  return parseEnvironment(LeaderConfig, env);
}

export function loadStartRunConfig(env: NodeJS.ProcessEnv): StartRunConfig {
  return parseEnvironment(StartRunConfig, env);
}
