import type { ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { Database } from '@conveyor/db';
import { mayRun, UNAUTHENTICATED_MESSAGE, type Access } from '../guards/access.js';
import { checkBearer } from './bearer.js';

export type Respond = (body: string | ReadableStream<Uint8Array>, init: ResponseInit) => Response;

/** The body of one export format: its Response for the path, or null when the path is not its. */
export type ExportBody = (db: Database, pathname: string, respond: Respond) => Promise<Response | null>;

export type ExportOptions = Access & {
  /** The exports' own pool: a slow download holds one of its connections, never one of the queries'. */
  db: Database;
  /** GATEWAY_TOKEN, when set. */
  token?: string;
  /** GATEWAY_MAX_EXPORTS: exports at once (the exports' pool has as many connections). */
  maxConcurrent: number;
  /** GATEWAY_EXPORT_IDLE_MS: a client that reads nothing for this long is cut off. */
  idleMs: number;
  /** GATEWAY_EXPORT_TIMEOUT_MS: the longest an export may take. */
  timeoutMs: number;
  /** The formats by file extension: `/runs/:id/results.<ext>`. */
  formats: Record<string, ExportBody>;
};

const PATH = /^\/runs\/[^/]+\/results\.([a-z]+)$/;
/** Seconds a client refused for a full house waits before trying again. */
const RETRY_AFTER_S = 10;

const text = (respond: Respond, status: number, message: string, headers: Record<string, string> = {}) =>
  respond(`${message}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

/**
 * Streams `inner` to the client while watching it: when the client takes nothing for `idleMs` (a slow
 * or stalled reader), or the whole export passes `timeoutMs`, or the source fails, the source is
 * cancelled (its database connection goes back) and the client's download breaks — never a short file
 * that looks complete. `stop` ends it quietly (the client went away). `onEnd` runs once, however it ends.
 */
function watchedStream(
  inner: ReadableStream<Uint8Array>,
  options: {
    idleMs: number;
    timeoutMs: number;
    /** Drops the client's connection; false when there is none to drop (not a Node server). */
    onCut: () => boolean;
    onEnd: () => void;
  },
): { stream: ReadableStream<Uint8Array>; stop: () => void } {
  const reader = inner.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  let idle: NodeJS.Timeout | undefined;
  let total: NodeJS.Timeout | undefined;
  /** True the first time only. */
  const end = () => {
    if (ended) return false;
    ended = true;
    clearTimeout(idle);
    clearTimeout(total);
    options.onEnd();
    return true;
  };
  const stop = () => {
    if (end()) reader.cancel('the client went away').catch(() => undefined);
  };
  const cut = (reason: unknown) => {
    if (!end()) return;
    reader.cancel(reason).catch(() => undefined);
    // On a Node server the connection is dropped and the stream left as it is (erroring it would reject
    // the server's pending read, with nobody to catch it); elsewhere the stream fails.
    if (!options.onCut()) controller.error(reason instanceof Error ? reason : new Error(String(reason)));
  };
  // The idle clock runs from each chunk handed over to the client's next request for one.
  const startIdleClock = () => {
    idle = setTimeout(
      () => cut(`the client read nothing for ${options.idleMs} ms (GATEWAY_EXPORT_IDLE_MS)`),
      options.idleMs,
    );
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
        total = setTimeout(
          () => cut(`the export took longer than ${options.timeoutMs} ms (GATEWAY_EXPORT_TIMEOUT_MS)`),
          options.timeoutMs,
        );
        startIdleClock();
      },
      async pull() {
        clearTimeout(idle);
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          cut(error);
          return;
        }
        if (ended) return;
        if (next.done) {
          end();
          controller.close();
          return;
        }
        controller.enqueue(next.value);
        startIdleClock();
      },
      async cancel(reason) {
        end();
        await reader.cancel(reason);
      },
    },
    // Pull only when the client asks: the idle clock then measures the client, not a read-ahead buffer.
    { highWaterMark: 0 },
  );
  return { stream, stop };
}

/**
 * `GET /runs/:id/results.<format>`: every export goes through here, whatever its format. The token
 * (unless GATEWAY_PUBLIC_READS), then a slot among GATEWAY_MAX_EXPORTS (503 with Retry-After when
 * none is free), then the format's body over the exports' own pool, watched for slow readers.
 */
export function useExports(options: ExportOptions): Plugin {
  let running = 0;
  return {
    async onRequest(payload) {
      const { url, request, fetchAPI, serverContext } = payload;
      const endResponse = (response: Response) => payload.endResponse(response);
      if (request.method !== 'GET') return;
      const match = PATH.exec(url.pathname);
      if (!match) return;
      const respond: Respond = (body, init) => new fetchAPI.Response(body, init);
      const body = options.formats[match[1]!];
      if (!body) return endResponse(text(respond, 404, `no export format .${match[1]}`));
      if (!mayRun('query', checkBearer(request.headers.get('authorization'), options.token), options))
        return endResponse(text(respond, 401, UNAUTHENTICATED_MESSAGE, { 'www-authenticate': 'Bearer' }));
      if (running >= options.maxConcurrent)
        return endResponse(
          text(
            respond,
            503,
            `${running} exports are running, the most this gateway serves at once (GATEWAY_MAX_EXPORTS): retry in ${RETRY_AFTER_S} s`,
            { 'retry-after': String(RETRY_AFTER_S) },
          ),
        );
      running++;
      let released = false;
      const release = () => {
        if (!released) running--;
        released = true;
      };
      let response: Response | null;
      try {
        response = await body(options.db, url.pathname, respond);
      } catch (error) {
        release();
        throw error;
      }
      if (!response) {
        release();
        return endResponse(text(respond, 404, `no export at ${url.pathname}`));
      }
      if (!response.ok || !response.body) {
        release();
        return endResponse(response);
      }
      // On a Node server a cut drops the connection, so that a stalled client learns of it; a client
      // that goes away gives its slot back at once.
      const nodeResponse = (serverContext as { res?: ServerResponse } | undefined)?.res;
      const { stream, stop } = watchedStream(response.body, {
        idleMs: options.idleMs,
        timeoutMs: options.timeoutMs,
        onCut: () => {
          if (!nodeResponse) return false;
          nodeResponse.destroy();
          return true;
        },
        onEnd: release,
      });
      nodeResponse?.once('close', stop);
      endResponse(new fetchAPI.Response(stream, { status: response.status, headers: response.headers }));
    },
  };
}
