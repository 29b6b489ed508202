import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, flag, loadConfig, port, sharedEnv } from './config.js';

const schema = z.object({ ...sharedEnv, WORKER_HEALTH_PORT: port.default(9103) });

describe('loadConfig', () => {
  it('applies defaults for unset and empty variables', () => {
    const config = loadConfig(schema, { AMQP_URL: '' });
    expect(config.AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(config.CONVEYOR_NAMESPACE).toBe('conveyor');
    expect(config.WORKER_HEALTH_PORT).toBe(9103);
  });

  it('coerces numbers', () => {
    expect(loadConfig(schema, { WORKER_HEALTH_PORT: '8080' }).WORKER_HEALTH_PORT).toBe(8080);
  });

  it('names every bad variable', () => {
    const load = () => loadConfig(schema, { AMQP_URL: 'http://example', WORKER_HEALTH_PORT: 'abc' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/AMQP_URL: expected a URL starting with amqp:\/\/ or amqps:\/\//);
    expect(load).toThrow(/WORKER_HEALTH_PORT/);
  });

  it('rejects a namespace that cannot prefix queue names', () => {
    expect(() => loadConfig(schema, { CONVEYOR_NAMESPACE: 'Bad Name' })).toThrow(/CONVEYOR_NAMESPACE/);
  });
});

describe('flag', () => {
  const flags = z.object({ OPEN: flag.default(false) });

  it('reads true and false, and the default when unset', () => {
    expect(loadConfig(flags, { OPEN: 'true' }).OPEN).toBe(true);
    expect(loadConfig(flags, { OPEN: 'false' }).OPEN).toBe(false);
    expect(loadConfig(flags, {}).OPEN).toBe(false);
  });

  it('refuses anything else, so that a typo reads as neither', () => {
    expect(() => loadConfig(flags, { OPEN: 'yes' })).toThrow(/OPEN/);
    expect(() => loadConfig(flags, { OPEN: 'TRUE' })).toThrow(/OPEN/);
  });
});
