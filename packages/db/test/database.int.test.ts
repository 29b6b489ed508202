import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/database.js';
import { createTestDatabase } from '../src/testing.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('createDatabase timeouts', () => {
  it('fails a query that takes longer than its timeout, and the pool goes on with a fresh connection', async () => {
    const strict = createDatabase(database.url, {
      poolSize: 1,
      timeouts: { connectMs: 5_000, queryMs: 500, keepAliveMs: 1_000 },
    });
    try {
      await expect(strict.db.execute(sql`SELECT SLEEP(5)`)).rejects.toMatchObject({
        cause: { code: 'PROTOCOL_SEQUENCE_TIMEOUT' },
      });
      const [rows] = (await strict.db.execute(sql`SELECT 1 + 1 AS two`)) as unknown as [{ two: number }[]];
      expect(Number(rows[0]!.two)).toBe(2);
    } finally {
      await strict.close();
    }
  });

  it('fails a connection to a host that never answers within the connect timeout', async () => {
    // 10.255.255.1 is not routed here: the connect hangs until the timeout.
    const unreachable = createDatabase('mysql://root@10.255.255.1:3306/none', {
      timeouts: { connectMs: 300, queryMs: 1_000, keepAliveMs: 1_000 },
    });
    try {
      await expect(unreachable.pool.query('SELECT 1')).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    } finally {
      await unreachable.close();
    }
  });
});
