// The gateway's bearer token (GATEWAY_TOKEN), asked once and kept for the tab: sessionStorage, not
// localStorage, so that it is gone with the tab and never shared with another one.

const KEY = 'conveyor.token';

/** What the token prompt shows: closed, or open because the user asked or because a request was refused. */
export type TokenPrompt = { open: false } | { open: true; refused: boolean };

export type TokenStore = {
  current: () => string | null;
  prompt: () => TokenPrompt;
  /**
   * Called when the gateway refused `sent` (null: no token was sent). Resolves with the token to try
   * next: one entered since then without asking again, else the one entered in the prompt, which every
   * refused request waits for together. Rejects when `signal` aborts (the page moved on).
   */
  refused: (sent: string | null, signal?: AbortSignal) => Promise<string>;
  /** Opens the prompt without a refusal (the header's button). */
  open: () => void;
  submit: (token: string) => void;
  /** Closes the prompt; requests waiting for a token fail with TokenRequiredError. */
  dismiss: () => void;
  forget: () => void;
  subscribe: (listener: () => void) => () => void;
};

/** The gateway asked for a token and none was entered. */
export class TokenRequiredError extends Error {
  constructor() {
    super('the gateway needs its token (GATEWAY_TOKEN): set it with the Token button');
    this.name = 'TokenRequiredError';
  }
}

export function createTokenStore(storage: Storage): TokenStore {
  let prompt: TokenPrompt = { open: false };
  let waiting: {
    promise: Promise<string>;
    resolve: (token: string) => void;
    reject: (error: Error) => void;
  } | null = null;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  const current = () => storage.getItem(KEY) || null;

  const waitForToken = () => {
    if (!waiting) {
      let resolve!: (token: string) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<string>((done, fail) => {
        resolve = done;
        reject = fail;
      });
      waiting = { promise, resolve, reject };
    }
    return waiting.promise;
  };

  return {
    current,
    prompt: () => prompt,
    refused: (sent, signal) => {
      const token = current();
      if (token !== null && token !== sent) return Promise.resolve(token);
      prompt = { open: true, refused: true };
      changed();
      const entered = waitForToken();
      if (!signal) return entered;
      return new Promise<string>((resolve, reject) => {
        const abort = () => reject(signal.reason as Error);
        if (signal.aborted) return abort();
        signal.addEventListener('abort', abort, { once: true });
        entered.then(
          (value) => {
            signal.removeEventListener('abort', abort);
            resolve(value);
          },
          (error: Error) => {
            signal.removeEventListener('abort', abort);
            reject(error);
          },
        );
      });
    },
    open: () => {
      prompt = { open: true, refused: false };
      changed();
    },
    submit: (token) => {
      const trimmed = token.trim();
      if (!trimmed) return;
      storage.setItem(KEY, trimmed);
      prompt = { open: false };
      waiting?.resolve(trimmed);
      waiting = null;
      changed();
    },
    dismiss: () => {
      prompt = { open: false };
      waiting?.reject(new TokenRequiredError());
      waiting = null;
      changed();
    },
    forget: () => {
      storage.removeItem(KEY);
      prompt = { open: false };
      changed();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
