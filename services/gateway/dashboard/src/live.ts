// What every page does with the gateway: load, then follow a subscription, until the page changes.
import { createContext } from 'preact';
import { useContext, useEffect, type Inputs } from 'preact/hooks';
import type { Api } from './api';

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('no ApiContext above this component');
  return api;
}

/**
 * Runs `work` while the component shows these `inputs`; aborts its signal when they change or the
 * component goes. A failure is reported to `onError` unless it came from that abort.
 */
export function useAbortableEffect(
  work: (signal: AbortSignal) => Promise<void>,
  inputs: Inputs,
  onError: (error: Error) => void,
): void {
  useEffect(() => {
    const controller = new AbortController();
    work(controller.signal).catch((error: unknown) => {
      if (!controller.signal.aborted) onError(error instanceof Error ? error : new Error(String(error)));
    });
    return () => controller.abort();
    // `work` and `onError` are new functions at each render; `inputs` says when the work changes.
  }, inputs);
}

/** `fn` at most once per `ms` (the last call of a burst runs after the pause); nothing after `signal` aborts. */
export function throttle(fn: () => void, ms: number, signal: AbortSignal): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let again = false;
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  const run = () => {
    if (signal.aborted) return;
    fn();
    timer = setTimeout(() => {
      timer = undefined;
      if (again) {
        again = false;
        run();
      }
    }, ms);
  };
  return () => {
    if (timer) again = true;
    else run();
  };
}
