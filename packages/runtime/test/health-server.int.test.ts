import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { createLogger, createMetricsRegistry, startHealthServer, type HealthServer } from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let server: HealthServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('health server', () => {
  it('serves /healthz, /readyz from the readiness check, and /metrics', async () => {
    let ready = false;
    const registry = createMetricsRegistry('test');
    new Counter({ name: 'conveyor_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    server = await startHealthServer({ port: 0, host: '127.0.0.1', registry, isReady: () => ready, logger });
    const base = `http://127.0.0.1:${server.port}`;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('conveyor_test_total{service="test"} 3');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
