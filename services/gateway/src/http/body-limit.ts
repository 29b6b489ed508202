import type { Plugin } from 'graphql-yoga';

/**
 * Refuses a request body larger than `maxBytes` with 413, before it is read: by its Content-Length,
 * or, when it has none (chunked), by reading at most `maxBytes` of it.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    async onRequest(payload) {
      const { request, fetchAPI } = payload;
      if (!request.body || request.method === 'GET' || request.method === 'HEAD') return;
      const tooLarge = () =>
        payload.endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: `the request body is larger than ${maxBytes} bytes` }] }),
            { status: 413, headers: { 'content-type': 'application/json; charset=utf-8' } },
          ),
        );
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        // Node's HTTP parser delivers exactly Content-Length bytes: the header is the body's size.
        if (Number(declared) > maxBytes) tooLarge();
        return;
      }
      const reader = request.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          return tooLarge();
        }
        chunks.push(value);
      }
      payload.setRequest(
        new fetchAPI.Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: Buffer.concat(chunks),
        }),
      );
    },
  };
}
