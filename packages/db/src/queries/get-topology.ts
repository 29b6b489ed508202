import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';

/** A topology snapshot's metadata, without its data. */
export async function getTopology(db: Database, id: string) {
  const [row] = await db
    .select({
      id: topologies.id,
      contentHash: topologies.contentHash,
      source: topologies.source,
      selections: topologies.selections,
      nodeCount: topologies.nodeCount,
      createdAt: topologies.createdAt,
    })
    .from(topologies)
    .where(eq(topologies.id, id));
  return row;
}
