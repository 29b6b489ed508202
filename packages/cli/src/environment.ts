// The only place the CLI reads process.env.
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
export const namespaceFromEnv = () => process.env.CONVEYOR_NAMESPACE || 'conveyor';
