import type { Plugin } from 'graphql-yoga';

/**
 * Whether a browser request (or WebSocket upgrade) from `origin` may reach the gateway at `host`: its
 * own origin (the dashboard) or one of `allowed` (GATEWAY_CORS_ORIGINS). A request without an Origin
 * header is no browser's cross-site request (the CLI, curl, a same-origin GET) and is let through; the
 * opaque origin "null" (a sandboxed frame, a file: page) is not. Only the host is compared: behind the
 * Route's TLS edge the gateway is reached over http while the browser's origin says https.
 */
export function isAllowedOrigin(
  origin: string | null | undefined,
  host: string | null | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === null || origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === host;
}

/** The refusal of a foreign origin, for HTTP (403) and WebSocket (close 4403) alike. */
export function foreignOriginMessage(origin: string): string {
  return `origin ${origin.slice(0, 200)} is not allowed: only the gateway's own origin and GATEWAY_CORS_ORIGINS are`;
}

/**
 * Refuses, with 403 before anything runs, a browser request whose Origin is neither the gateway's nor
 * allowed: the CSRF guard for every path (GraphQL, exports, dashboard), beside CORS, which only
 * decides what the browser lets a page read.
 */
export function useOriginCheck(allowed: readonly string[]): Plugin {
  return {
    onRequest(payload) {
      const { request, url, fetchAPI } = payload;
      const origin = request.headers.get('origin');
      if (isAllowedOrigin(origin, url.host, allowed)) return;
      payload.endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: foreignOriginMessage(origin!) }] }), {
          status: 403,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}
