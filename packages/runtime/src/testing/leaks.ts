// What tests open and must close again: broker connections and subscriptions, database pools, child
// processes. The test helpers that open one (createTestDatabase, createTestBroker, spawnService) track
// it here and untrack it when it closes; the shared vitest setup (leak-guard.setup.ts) fails a test
// that ends with something open that it opened — as graphile-worker's test helpers do.

export type ResourceKind =
  'broker connection' | 'broker subscription' | 'broker queue' | 'database pool' | 'child process';

type Tracked = { seq: number; kind: ResourceKind; name: string; close: () => unknown };

const open = new Map<number, Tracked>();
let seq = 0;

/**
 * Records an open resource; `close` is how the guard closes it when a test leaks it. Returns the
 * untrack function, for the helper to call once the resource is closed (calling it again is harmless).
 */
export function trackResource(kind: ResourceKind, name: string, close: () => unknown): () => void {
  const entry = { seq: ++seq, kind, name, close };
  open.set(entry.seq, entry);
  return () => void open.delete(entry.seq);
}

/** A point in time for `checkForLeaks`: what is opened after it counts. */
export const leakMark = (): number => seq;

/** The resources opened after `mark` and still open, oldest first. */
export function openSince(mark: number): { kind: ResourceKind; name: string }[] {
  return [...open.values()].filter((entry) => entry.seq > mark).map(({ kind, name }) => ({ kind, name }));
}

const describe = (leaked: { kind: ResourceKind; name: string }[], where: string) =>
  `${where} left ${leaked.length} resource(s) open: ${leaked.map((r) => `${r.kind} ${r.name}`).join(', ')}`;

/** Throws, naming each resource opened after `mark` and still open. `where`: "the test", … */
export function checkForLeaks(mark: number, where: string): void {
  const leaked = openSince(mark);
  if (leaked.length > 0) throw new Error(describe(leaked, where));
}

/**
 * `checkForLeaks`, but first closes what leaked (so that one leaking test neither hangs the run nor
 * fails the tests after it). The guard's afterEach and afterAll call this.
 */
export async function closeLeaks(mark: number, where: string): Promise<void> {
  const leaked = [...open.values()].filter((entry) => entry.seq > mark);
  if (leaked.length === 0) return;
  const message = describe(leaked, where);
  await Promise.allSettled(
    leaked.map(async (entry) => {
      open.delete(entry.seq);
      await entry.close();
    }),
  );
  throw new Error(`${message} (the guard closed them)`);
}
