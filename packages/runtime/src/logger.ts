import { pino, type Logger } from 'pino';

export type { Logger };

/** Removes the password from a URL so that it can be logged. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable url)';
  }
}

/** JSON logs, one line per event, with the service name; `runId`/`taskId` go in child bindings. */
export function createLogger(options: { service: string; level: string }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '***',
    },
    formatters: { level: (label) => ({ level: label }) },
  });
}
