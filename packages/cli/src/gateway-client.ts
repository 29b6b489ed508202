// A small GraphQL client of the gateway for the `conveyor run …` commands: queries and mutations over
// HTTP, subscriptions over SSE (GraphQL over SSE, "distinct connections" mode, as graphql-yoga serves it).

export type GatewayClient = ReturnType<typeof createGatewayClient>;

export class GatewayError extends Error {
  override name = 'GatewayError';
}

export function createGatewayClient(options: { url: string; token?: string }) {
  const endpoint = new URL('/graphql', options.url).toString();
  const headers = (extra: Record<string, string> = {}) => ({
    ...extra,
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  });

  const request = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: headers({ 'content-type': 'application/json', accept: 'application/graphql-response+json' }),
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new GatewayError(
        `cannot reach the gateway at ${endpoint}: ${(error as Error).message} (is it running? set GATEWAY_URL)`,
      );
    }
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new GatewayError(body.errors.map((e) => e.message).join('; '));
    if (!body.data) throw new GatewayError(`the gateway answered ${response.status} without data`);
    return body.data;
  };

  /** Yields each `next` payload of a subscription until the server completes it. */
  async function* subscribe<T>(query: string, variables: Record<string, unknown> = {}): AsyncGenerator<T> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json', accept: 'text/event-stream' }),
      body: JSON.stringify({ query, variables }),
    }).catch((error: unknown) => {
      throw new GatewayError(`cannot reach the gateway at ${endpoint}: ${(error as Error).message}`);
    });
    if (!response.ok || !response.body)
      throw new GatewayError(`subscription refused: HTTP ${response.status}`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'complete') return;
          if (event === 'next' && data) {
            const payload = JSON.parse(data) as { data?: T; errors?: { message: string }[] };
            if (payload.errors?.length)
              throw new GatewayError(payload.errors.map((e) => e.message).join('; '));
            if (payload.data) yield payload.data;
          }
          boundary = buffer.indexOf('\n\n');
        }
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  return { endpoint, request, subscribe, baseUrl: options.url };
}
