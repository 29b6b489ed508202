// The only place the CLI reads process.env: each variable it uses, checked, and the environment the
// services it starts (`stack`, `demo`) inherit.
import { UsageError } from './usage-error.js';

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/conveyor';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000';

function url(name: string, fallback: string, protocols: string[]): string {
  const value = process.env[name] || fallback;
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new UsageError(`${name} is not a URL: "${value}"`);
  }
  if (!protocols.includes(protocol))
    throw new UsageError(`${name} must start with ${protocols.join(' or ')}//`);
  return value;
}

export const databaseUrlFromEnv = () => url('DATABASE_URL', DEFAULT_DATABASE_URL, ['mysql:']);
export const amqpUrlFromEnv = () => url('AMQP_URL', DEFAULT_AMQP_URL, ['amqp:', 'amqps:']);
export const gatewayUrlFromEnv = () => url('GATEWAY_URL', DEFAULT_GATEWAY_URL, ['http:', 'https:']);
export const gatewayTokenFromEnv = () => process.env.GATEWAY_TOKEN || undefined;

/** GATEWAY_PORT, for the gateway `demo` starts (default 4000). */
export function gatewayPortFromEnv(): number {
  const value = process.env.GATEWAY_PORT || '4000';
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new UsageError(`GATEWAY_PORT must be a port number (1–65535), got "${value}"`);
  return port;
}

/** A copy of the whole environment: what the services of `stack` and `demo` start with. */
export const inheritedEnv = (): NodeJS.ProcessEnv => ({ ...process.env });
