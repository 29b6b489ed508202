import type { Plugin } from 'graphql-yoga';

/**
 * The dashboard's scripts and styles are files of its own origin: no inline script or style, no
 * framing (clickjacking), nothing loaded from elsewhere (the icon is a data: URL).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // A CSV or JSON answer is never run as a script or shown as HTML, whatever a browser guesses.
  'x-content-type-options': 'nosniff',
  // Run ids in the dashboard's URLs stay on this origin.
  'referrer-policy': 'no-referrer',
};

/** Sets the security headers on every HTTP response: GraphQL, SSE, exports, the dashboard, errors. */
export function useSecurityHeaders(): Plugin {
  return {
    onResponse({ response }) {
      for (const [name, value] of Object.entries(HEADERS)) response.headers.set(name, value);
    },
  };
}
