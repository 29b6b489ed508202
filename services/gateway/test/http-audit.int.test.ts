import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@conveyor/db/testing';
import { createLiveFeed } from '../src/live/feed.js';
import { createGateway } from '../src/yoga.js';
import { EXPORT_LIMITS, GATEWAY_LIMITS } from './support/gateway.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let server: Server;
let url: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const yoga = createGateway({
    db: database.db,
    publishEvent: async () => undefined,
    live: createLiveFeed(database.db),
    ...GATEWAY_LIMITS,
    exports: { db: database.db, ...EXPORT_LIMITS },
  });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
});

describe('GraphQL over HTTP', () => {
  it('passes every MUST audit of graphql-http', async () => {
    const audits = serverAudits({ url, fetchFn: fetch });
    const failures: string[] = [];
    for (const audit of audits.filter((a) => a.name.startsWith('MUST'))) {
      const result = await audit.fn();
      if (result.status !== 'ok') failures.push(`${audit.name}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
  });
});
