import { z } from 'zod';

/** A bad environment: the message names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment with a zod object schema whose keys are variable names.
 * Unknown variables are ignored; each problem is reported as `NAME: what is wrong`.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // Empty strings mean "unset", as in docker compose files with `VAR=`.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** A URL with one of the given protocols, e.g. `urlWith(['amqp:', 'amqps:'])`. */
export function urlWith(protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

export const port = z.coerce.number().int().min(0).max(65535);
export const positiveInt = z.coerce.number().int().positive();
export const nonNegativeInt = z.coerce.number().int().min(0);
/** `true` or `false`, nothing else (a typo must not read as either). */
export const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * The most tasks one run may plan (DESIGN §4), read by the gateway (it refuses a request it can count
 * over it) and the leader (it fails any plan over it before publishing a task): one definition, one default.
 */
export const maxTasksPerRun = positiveInt.default(100_000);

/** The variables every service shares (DESIGN §4). */
export const sharedEnv = {
  /** Where the event store, projections, topologies and results live. */
  DATABASE_URL: urlWith(['mysql:']).default('mysql://root@127.0.0.1:3306/conveyor'),
  /** The broker carrying events, tasks and notifications. */
  AMQP_URL: urlWith(['amqp:', 'amqps:']).default('amqp://guest:guest@127.0.0.1:5672'),
  /** Prefix of every exchange and queue, so that installations and tests can share one broker. */
  CONVEYOR_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,40}$/, 'lowercase letters, digits, - and _ (start with a letter)')
    .default('conveyor'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long a shutdown may take to drain in-flight work before connections are closed. */
  SHUTDOWN_GRACE_MS: positiveInt.default(30_000),
  /** ms a new database connection may take: an unreachable host fails (and is retried) instead of hanging. */
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  /** ms a query may take before it fails and its connection is dropped (a silently dead connection). */
  DATABASE_QUERY_TIMEOUT_MS: positiveInt.default(60_000),
  /** ms of idleness before TCP keepalive probes a database connection. */
  DATABASE_KEEPALIVE_MS: positiveInt.default(10_000),
};

/** The database settings of sharedEnv, in the shape `createDatabase` (@conveyor/db) takes. */
export function databaseTimeouts(config: {
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_QUERY_TIMEOUT_MS: number;
  DATABASE_KEEPALIVE_MS: number;
}) {
  return {
    connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    queryMs: config.DATABASE_QUERY_TIMEOUT_MS,
    keepAliveMs: config.DATABASE_KEEPALIVE_MS,
  };
}

/** Prints a config error and exits; the only place services turn a bad environment into an exit code. */
export function exitOnConfigError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
