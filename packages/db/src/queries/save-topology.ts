import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';
import { findTopologyByHash } from './find-topology-by-hash.js';

const gzipAsync = promisify(gzip);

/**
 * Stores a topology snapshot (its JSON gzipped) unless one with the same content hash exists, and
 * returns the id of the stored snapshot: the existing one for content already known.
 */
export async function saveTopology(
  db: Database,
  snapshot: {
    id: string;
    contentHash: string;
    source: string;
    /** `topologySourceKey` of the source, for `findTopologyBySource`. */
    sourceKey?: string;
    selections: string[];
    /** Selection id → content hash of its own part (`selectionHashes`), for `reuse`. */
    selectionHashes?: Record<string, string>;
    nodeCount: number;
    json: unknown;
  },
): Promise<string> {
  const existing = await findTopologyByHash(db, snapshot.contentHash);
  if (existing) return existing.id;
  const data = await gzipAsync(Buffer.from(JSON.stringify(snapshot.json)));
  await db
    .insert(topologies)
    .values({
      id: snapshot.id,
      contentHash: snapshot.contentHash,
      source: snapshot.source,
      sourceKey: snapshot.sourceKey ?? null,
      selections: snapshot.selections,
      selectionHashes: snapshot.selectionHashes ?? null,
      nodeCount: snapshot.nodeCount,
      data,
    })
    // Another builder stored the same content meanwhile: keep its row.
    .onDuplicateKeyUpdate({ set: { contentHash: sql`content_hash` } });
  return (await findTopologyByHash(db, snapshot.contentHash))?.id ?? snapshot.id;
}
