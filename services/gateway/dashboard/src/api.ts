// The gateway as the dashboard sees it: GraphQL queries and mutations over POST, subscriptions over SSE
// read with fetch streaming (EventSource can neither POST nor send a header), and export downloads.
// Every request carries the tab's token; a 401 opens the token prompt and the request is sent again
// with the token entered.
import { print, type DocumentNode } from '@0no-co/graphql.web';
import type { Document } from './graphql';
import { readServerSentEvents } from './sse';
import type { TokenStore } from './token';

export type Api = {
  query: <Result, Variables>(
    document: Document<Result, Variables>,
    variables: Variables,
    signal?: AbortSignal,
  ) => Promise<Result>;
  /** Calls `onData` with each result; resolves when the gateway completes the subscription. */
  subscribe: <Result, Variables>(
    document: Document<Result, Variables>,
    variables: Variables,
    onData: (data: Result) => void,
    signal: AbortSignal,
  ) => Promise<void>;
  /** Fetches an export (`/runs/:id/results.csv`) with the token and saves it as a file. */
  download: (path: string, fallbackName: string) => Promise<void>;
};

type GraphQLResult = {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
};

const ENDPOINT = '/graphql';

const refusedByErrors = (result: GraphQLResult) =>
  result.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;

function dataOf<Result>(result: GraphQLResult): Result {
  if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join('; '));
  if (result.data === undefined || result.data === null) throw new Error('the gateway answered without data');
  return result.data as Result;
}

/** `attachment; filename="conveyor-….csv"` → `conveyor-….csv`. */
function fileNameOf(disposition: string | null): string | null {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? null;
}

/** Saves a blob as a file through the browser's download (an export, or a CSV made on the page). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
  } finally {
    // The click has started the download; the blob stays readable for it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

export function createApi(options: { fetch: typeof fetch; tokens: TokenStore }): Api {
  const { tokens } = options;

  /** A fetch with the token; sent again, with the token the user enters, for as long as it is refused. */
  async function authorized(
    url: string,
    init: RequestInit & { signal?: AbortSignal | null },
    isRefused: (response: Response) => Promise<boolean>,
  ): Promise<Response> {
    let token = tokens.current();
    for (;;) {
      const headers = new Headers(init.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      const response = await options.fetch(url, { ...init, headers });
      if (!(await isRefused(response))) return response;
      if (!response.bodyUsed) await response.body?.cancel();
      token = await tokens.refused(token, init.signal ?? undefined);
    }
  }

  const request = (document: DocumentNode, variables: unknown, accept: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query: print(document), variables }),
  });

  const query: Api['query'] = async (document, variables, signal) => {
    let result: GraphQLResult | undefined;
    await authorized(
      ENDPOINT,
      { ...request(document, variables, 'application/json'), signal: signal ?? null },
      async (response) => {
        // A 401 may come from before GraphQL (the gateway's own check) with a body that is not JSON.
        if (response.status === 401) return true;
        const text = await response.text();
        try {
          result = JSON.parse(text) as GraphQLResult;
        } catch {
          throw new Error(`the gateway answered HTTP ${response.status}, not GraphQL: ${text.slice(0, 200)}`);
        }
        return refusedByErrors(result);
      },
    );
    return dataOf(result!);
  };

  const subscribe: Api['subscribe'] = async (document, variables, onData, signal) => {
    const response = await authorized(
      ENDPOINT,
      { ...request(document, variables, 'text/event-stream'), signal },
      async (response) => response.status === 401,
    );
    if (!response.ok || !response.body) throw new Error(`subscription refused: HTTP ${response.status}`);
    for await (const event of readServerSentEvents(response.body)) {
      if (event.event === 'complete') return;
      if (event.event !== 'next') continue;
      onData(dataOf(JSON.parse(event.data) as GraphQLResult));
    }
    if (!signal.aborted) throw new Error('the gateway closed the connection');
  };

  const download: Api['download'] = async (path, fallbackName) => {
    const response = await authorized(path, { method: 'GET' }, async (response) => response.status === 401);
    if (!response.ok) {
      const text = await response.text();
      throw new Error(`download refused: HTTP ${response.status} ${text.trim().slice(0, 200)}`);
    }
    saveFile(await response.blob(), fileNameOf(response.headers.get('content-disposition')) ?? fallbackName);
  };

  return { query, subscribe, download };
}
