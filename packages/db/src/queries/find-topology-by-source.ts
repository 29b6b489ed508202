import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';

/** The stored snapshot built from a source with this key (`topologySourceKey`), metadata only, if any. */
export async function findTopologyBySource(db: Database, sourceKey: string) {
  const [row] = await db
    .select({
      id: topologies.id,
      contentHash: topologies.contentHash,
      selections: topologies.selections,
      nodeCount: topologies.nodeCount,
    })
    .from(topologies)
    .where(eq(topologies.sourceKey, sourceKey))
    .limit(1);
  return row;
}
