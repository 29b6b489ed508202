import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';

const gunzipAsync = promisify(gunzip);

/** The stored topology JSON of a snapshot, decompressed and parsed. */
export async function loadTopology(db: Database, id: string): Promise<unknown> {
  const [row] = await db.select({ data: topologies.data }).from(topologies).where(eq(topologies.id, id));
  if (!row) throw new Error(`no topology snapshot ${id}`);
  return JSON.parse((await gunzipAsync(row.data)).toString('utf8')) as unknown;
}
