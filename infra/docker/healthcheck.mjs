// The image's HEALTHCHECK: GET the service's health endpoint on its health port, exit 0 when it answers 200.
// Usage: node healthcheck.mjs [/healthz|/readyz]. The CLI image has no health server: nothing to check.
const defaultPorts = { topology: 9101, leader: 9102, worker: 9103, poller: 9104, gateway: 9105 };

const service = process.env.CONVEYOR_SERVICE ?? '';
const path = process.argv[2] ?? '/healthz';
if (!(service in defaultPorts)) process.exit(0);
const port = process.env[`${service.toUpperCase()}_HEALTH_PORT`] || defaultPorts[service];

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
