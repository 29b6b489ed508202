/**
 * Keeps the last `capacity` topology snapshots by id (least recently used out). Concurrent loads of
 * the same id share one database read.
 */
export function createTopologyCache<T>(load: (id: string) => Promise<T>, capacity: number) {
  const entries = new Map<string, Promise<T>>();
  return (id: string): Promise<T> => {
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
