import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../database.js';
import { topologies } from '../schema.js';

/**
 * Stores a topology snapshot (gzipped JSON) unless one with the same content hash exists; returns
 * the id of the stored snapshot, which is the existing one for known content.
 */
export async function saveTopology(
  db: Database,
  snapshot: {
    id: string;
    contentHash: string;
    source: string;
    selections: string[];
    nodeCount: number;
    json: unknown;
  },
): Promise<string> {
  const existing = await findTopologyByHash(db, snapshot.contentHash);
  if (existing) return existing.id;
  const data = await promisify(gzip)(Buffer.from(JSON.stringify(snapshot.json)));
  await db
    .insert(topologies)
    .values({
      id: snapshot.id,
      contentHash: snapshot.contentHash,
      source: snapshot.source,
      selections: snapshot.selections,
      nodeCount: snapshot.nodeCount,
      data,
    })
    .onDuplicateKeyUpdate({ set: { contentHash: sql`content_hash` } });
  return (await findTopologyByHash(db, snapshot.contentHash))?.id ?? snapshot.id;
}

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

/** A topology's metadata, without its data. */
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

/** The stored topology JSON of a snapshot. */
export async function loadTopology(db: Database, id: string): Promise<unknown> {
  const [row] = await db.select({ data: topologies.data }).from(topologies).where(eq(topologies.id, id));
  if (!row) throw new Error(`no topology snapshot ${id}`);
  return JSON.parse((await promisify(gunzip)(row.data)).toString('utf8')) as unknown;
}
