import type { Logger } from './logger.js';

export type ShutdownSteps = {
  /** Stop taking new work (cancel consumers, stop accepting requests). */
  stopIntake: () => Promise<void>;
  /** Resolve when in-flight work is done; bounded by the grace period. */
  drain: () => Promise<void>;
  /** Close connections and servers. */
  close: () => Promise<void>;
};

/**
 * Runs the shutdown steps once: stop intake, drain within `graceMs`, close.
 * Resolves with the exit code: 0 when everything closed, 1 when a step failed.
 */
export async function shutDown(
  steps: ShutdownSteps,
  options: { graceMs: number; logger: Logger },
): Promise<number> {
  const { logger, graceMs } = options;
  let code = 0;
  try {
    await steps.stopIntake();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      steps.drain().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained)
      logger.warn({ graceMs }, 'grace period over with work still in flight; it will be redelivered');
  } catch (error) {
    logger.error({ err: error }, 'draining failed');
    code = 1;
  }
  try {
    await steps.close();
  } catch (error) {
    logger.error({ err: error }, 'closing failed');
    code = 1;
  }
  return code;
}

/**
 * On SIGTERM or SIGINT, shuts down gracefully and exits with `shutDown`'s code.
 * A second signal exits at once with code 1.
 */
export function handleSignals(steps: ShutdownSteps, options: { graceMs: number; logger: Logger }): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    options.logger.info({ signal, graceMs: options.graceMs }, 'shutting down');
    void shutDown(steps, options).then((code) => {
      options.logger.info({ code }, 'stopped');
      options.logger.flush();
      process.exit(code);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
