/**
 * Keeps the last `capacity` topology snapshots by id (least recently used out). Concurrent loads of
 * the same id share one database read.
 */
export function createTopologyCache(load: (id: string) => Promise<unknown>, capacity: number) {
  const entries = new Map<string, Promise<unknown>>();
  return (id: string): Promise<unknown> => {
    let entry = entries.get(id);
    if (entry) {
      entries.delete(id);
    } else {
      entry = load(id);
      entry.catch(() => entries.delete(id));
    }
    entries.set(id, entry);
    while (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    return entry;
  };
}

/** Answers "is this run cancelled?" from the database at most once per `ttlMs` per run. */
export function createCancellationCheck(
  read: (runId: string) => Promise<boolean>,
  ttlMs: number,
  now = Date.now,
) {
  const cache = new Map<string, { at: number; value: Promise<boolean> }>();
  return (runId: string): Promise<boolean> => {
    const hit = cache.get(runId);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = read(runId);
    cache.set(runId, { at: now(), value });
    if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
