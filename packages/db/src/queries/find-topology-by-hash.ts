import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';

/** The stored snapshot with this content hash (metadata only), if any. */
export async function findTopologyByHash(db: Database, contentHash: string) {
  const [row] = await db
    .select({
      id: topologies.id,
      source: topologies.source,
      selections: topologies.selections,
      nodeCount: topologies.nodeCount,
    })
    .from(topologies)
    .where(eq(topologies.contentHash, contentHash));
  return row;
}
