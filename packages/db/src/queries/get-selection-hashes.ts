import { eq } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';

/**
 * A snapshot's selection hashes (selection id → content hash of its own part), or null for a
 * snapshot stored before they existed, or one that does not exist.
 */
export async function getSelectionHashes(db: Database, topologyId: string) {
  const [row] = await db
    .select({ selectionHashes: topologies.selectionHashes })
    .from(topologies)
    .where(eq(topologies.id, topologyId));
  return row?.selectionHashes ?? null;
}
