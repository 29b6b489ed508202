// The gateway as a client sees it: GraphQL queries over HTTP, and subscriptions over SSE (fetch with
// `Accept: text/event-stream`, graphql-yoga's "distinct connections" mode), parsed here.

type GraphQLResult<T> = { data?: T | null; errors?: readonly { message: string }[] };

const errorsOf = (result: GraphQLResult<unknown>) =>
  (result.errors ?? []).map((error) => error.message).join('; ');

/** A query over HTTP; throws on GraphQL errors. */
export async function queryGateway<T>(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(new URL('/graphql', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as GraphQLResult<T>;
  if (result.errors?.length || !result.data) throw new Error(`gateway: ${errorsOf(result)}`);
  return result.data;
}

/** Splits an SSE text buffer into complete messages (event name and data) and the unfinished rest. */
export function parseServerSentEvents(buffer: string): {
  messages: { event: string; data: string }[];
  rest: string;
} {
  const blocks = buffer.split('\n\n');
  const rest = blocks.pop() ?? '';
  const messages = [];
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // a keep-alive comment
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length) messages.push({ event, data: data.join('\n') });
  }
  return { messages, rest };
}

/**
 * Subscribes over SSE and calls `onData` with each result and the time it arrived (ms since the
 * epoch). `connected` resolves with the stream's first bytes (graphql-yoga sends a ping once the
 * subscription is set up); `done` once the gateway completes the stream.
 */
export function subscribeGateway<T>(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T, receivedAt: number) => void,
) {
  const abort = new AbortController();
  let resolveConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const done = (async () => {
    const response = await fetch(new URL('/graphql', gatewayUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    if (!response.ok || !response.body) throw new Error(`gateway: HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      const receivedAt = Date.now();
      resolveConnected();
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      const { messages, rest } = parseServerSentEvents(buffer.replaceAll('\r\n', '\n'));
      buffer = rest;
      for (const message of messages) {
        if (message.event === 'complete') return;
        const result = JSON.parse(message.data) as GraphQLResult<T>;
        if (result.errors?.length || !result.data) throw new Error(`gateway: ${errorsOf(result)}`);
        onData(result.data, receivedAt);
      }
    }
  })();
  // Settle `connected` when the request fails before the gateway answered.
  done.catch(() => resolveConnected());
  return { connected, done, close: () => abort.abort() };
}
