import { describe, expect, it } from 'vitest';
import { createTokenStore, TokenRequiredError } from './token';

/** sessionStorage's interface over a Map. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('the token store', () => {
  it('opens the prompt once for every refused request, and gives each the token entered', async () => {
    const storage = memoryStorage();
    const tokens = createTokenStore(storage);
    const first = tokens.refused(null);
    const second = tokens.refused(null);
    expect(tokens.prompt()).toEqual({ open: true, refused: true });
    tokens.submit('  s3cret-token  ');
    expect(await Promise.all([first, second])).toEqual(['s3cret-token', 's3cret-token']);
    expect(tokens.prompt()).toEqual({ open: false });
    expect(storage.getItem('conveyor.token')).toBe('s3cret-token');
  });

  it('answers a request refused with an older token with the newer one, without asking', async () => {
    const storage = memoryStorage();
    storage.setItem('conveyor.token', 'new-token');
    const tokens = createTokenStore(storage);
    expect(await tokens.refused('old-token')).toBe('new-token');
    expect(tokens.prompt()).toEqual({ open: false });
  });

  it('asks again when the token it holds is the one refused', async () => {
    const storage = memoryStorage();
    storage.setItem('conveyor.token', 'wrong-token');
    const tokens = createTokenStore(storage);
    const next = tokens.refused('wrong-token');
    expect(tokens.prompt()).toEqual({ open: true, refused: true });
    tokens.submit('right-token');
    expect(await next).toBe('right-token');
  });

  it('fails the waiting requests with TokenRequiredError when the prompt is dismissed', async () => {
    const tokens = createTokenStore(memoryStorage());
    const waiting = tokens.refused(null);
    tokens.dismiss();
    await expect(waiting).rejects.toBeInstanceOf(TokenRequiredError);
  });

  it('stops waiting when the page moves on (its signal aborts)', async () => {
    const tokens = createTokenStore(memoryStorage());
    const controller = new AbortController();
    const waiting = tokens.refused(null, controller.signal);
    controller.abort(new Error('page changed'));
    await expect(waiting).rejects.toThrow('page changed');
  });

  it('ignores a blank token and forgets a kept one', () => {
    const storage = memoryStorage();
    const tokens = createTokenStore(storage);
    tokens.open();
    tokens.submit('   ');
    expect(tokens.prompt()).toEqual({ open: true, refused: false });
    tokens.submit('kept-token');
    expect(tokens.current()).toBe('kept-token');
    tokens.forget();
    expect(tokens.current()).toBeNull();
    expect(storage.length).toBe(0);
  });
});
