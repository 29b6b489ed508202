import { z } from 'zod';
import {
  nonNegativeInt,
  loadConfig as parseEnvironment,
  port,
  positiveInt,
  sharedEnv,
} from '@conveyor/runtime';

export const PollerConfig = z.object({
  ...sharedEnv,
  POLLER_HEALTH_PORT: port.default(9104),
  /** Most events recorded in one transaction. */
  POLLER_BATCH_SIZE: positiveInt.default(500),
  /**
   * Deliveries the poller holds unacked (the broker's prefetch). A delivery is a single envelope or a
   * worker's batch message of up to 1,000 events and 1 MiB, so this bounds what the poller buffers:
   * at most 200 MiB of messages (it was twice POLLER_BATCH_SIZE, a gigabyte). Batches of single
   * envelopes hold at most this many events.
   */
  POLLER_PREFETCH: positiveInt.default(200),
  /**
   * Batches recorded at once, each in its own transaction: a second one's statements overlap the
   * first's round trips and commit, as a second poller's would (their locks are taken in one order).
   */
  POLLER_CONCURRENCY: positiveInt.max(8).default(2),
  /**
   * Longest wait (ms) for a batch to fill while none is being recorded. 0: none — an idle poller
   * records what it has at once; under load the batches fill while the previous one commits.
   */
  POLLER_BATCH_WAIT_MS: nonNegativeInt.default(0),
  /** The safety-net poll (ms): completions, unpublished completions, stalled tasks. */
  POLLER_INTERVAL_MS: positiveInt.default(2000),
  /** Least time (ms) between two `run.progress` notifications of one run. */
  PROGRESS_THROTTLE_MS: positiveInt.default(250),
  /** A STARTED task with no heartbeat for this long (ms) is reported as stalled. */
  STALL_TIMEOUT_MS: positiveInt.default(60_000),
  /**
   * Test only (the fault suite): pause this long (ms) after a completion's claim commits, before
   * `run.completed` is published, so that a test can kill the poller in between. Unset: no pause
   * (no default, so that no deployment file carries it).
   */
  POLLER_FAILPOINT_CLAIM_PAUSE_MS: z.coerce.number().int().min(0).max(600_000).optional(),
});
export type PollerConfig = z.infer<typeof PollerConfig>;

export function loadConfig(env: NodeJS.ProcessEnv): PollerConfig {
  return parseEnvironment(PollerConfig, env);
}
