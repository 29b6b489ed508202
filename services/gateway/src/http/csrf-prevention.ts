import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Content types a browser may send cross-origin without a CORS preflight. */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
/** Any of these headers forces a preflight, so its presence proves the request passed CORS. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'graphql-require-preflight', 'apollo-require-preflight'];

/**
 * CSRF prevention, as graphql-yoga's and Apollo's: a GraphQL request must be one a browser would
 * have preflighted — a non-simple content type (application/json) or one of CSRF_HEADERS. A plain
 * form or an <img>/<script> GET from another site is refused before anything runs. The dashboard and
 * the CLI send JSON with POST; a GET needs one of the headers.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      const mime = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
      const preflighted =
        (mime !== undefined && mime !== '' && !SIMPLE_TYPES.has(mime)) ||
        CSRF_HEADERS.some((header) => request.headers.has(header));
      if (!preflighted) {
        throw createGraphQLError(
          `send Content-Type: application/json, or one of the headers ${CSRF_HEADERS.join(', ')} (CSRF prevention)`,
          { extensions: { code: 'CSRF_PREVENTED', http: { status: 403 } } },
        );
      }
    },
  };
}
