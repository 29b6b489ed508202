import type { Registry } from 'prom-client';
import { startHealthServer } from './health-server.js';
import type { Logger } from './logger.js';
import { handleSignals } from './shutdown.js';

/** Something that takes work in: a broker subscription, a server. */
export type Intake = { cancel: () => Promise<void>; drained?: () => Promise<void> };

/**
 * The last step of every service's main: serves /healthz, /readyz (ready when every check of
 * `readiness` passes) and /metrics on `port`, logs "ready", and on SIGTERM or SIGINT shuts down —
 * cancels every intake, waits (within `graceMs`) until each has drained, closes the health server, then
 * runs `close` in order (timers, then connections).
 */
export async function serveService(options: {
  port: number;
  registry: Registry;
  logger: Logger;
  graceMs: number;
  readiness: (() => boolean | Promise<boolean>)[];
  intake: Intake[];
  close: (() => unknown)[];
  /** Logged with "ready" besides the health port. */
  details?: Record<string, unknown>;
}): Promise<void> {
  const { logger } = options;
  const health = await startHealthServer({
    port: options.port,
    registry: options.registry,
    logger,
    isReady: async () => {
      for (const check of options.readiness) if (!(await check())) return false;
      return true;
    },
  });
  logger.info({ ...options.details, healthPort: health.port }, 'ready');
  handleSignals(
    {
      stopIntake: async () => {
        for (const intake of options.intake) await intake.cancel();
      },
      drain: async () => {
        for (const intake of options.intake) await intake.drained?.();
      },
      close: async () => {
        await health.close();
        for (const close of options.close) await close();
      },
    },
    { graceMs: options.graceMs, logger },
  );
}
