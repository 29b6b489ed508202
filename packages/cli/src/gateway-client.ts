// The gateway's GraphQL API for the `conveyor run …` commands (and `conveyor demo`): queries and
// mutations over HTTP, subscriptions over SSE with the graphql-sse client ("distinct connections"
// mode, as graphql-yoga serves it).
import { createClient } from 'graphql-sse';

export type GatewayClient = ReturnType<typeof createGatewayClient>;

/** The gateway is unreachable, refused the request, or answered with errors: exit 1 with the message. */
export class GatewayError extends Error {
  override name = 'GatewayError';
}

type GraphQLResponse<T> = { data?: T | null; errors?: readonly { message: string }[] };

const errorsOf = (errors: readonly { message: string }[]) => errors.map((e) => e.message).join('; ');

export function createGatewayClient(options: { url: string; token?: string }) {
  const endpoint = new URL('/graphql', options.url).toString();
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const unreachable = (error: unknown) =>
    new GatewayError(
      `cannot reach the gateway at ${endpoint}: ${(error as Error).message} (is it running? GATEWAY_URL sets where)`,
    );

  /** A query or mutation; its GraphQL errors become a GatewayError. */
  const request = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw unreachable(error);
    }
    let body: GraphQLResponse<T>;
    try {
      body = (await response.json()) as GraphQLResponse<T>;
    } catch {
      throw new GatewayError(`the gateway at ${endpoint} answered HTTP ${response.status}, not GraphQL`);
    }
    if (body.errors?.length) throw new GatewayError(errorsOf(body.errors));
    if (!body.data) throw new GatewayError(`the gateway answered HTTP ${response.status} without data`);
    return body.data;
  };

  /**
   * Each result of a subscription until the server completes it. A dropped connection is retried a
   * few times (the gateway's subscriptions start again with the current state).
   */
  async function* subscribe<T>(query: string, variables: Record<string, unknown> = {}): AsyncGenerator<T> {
    const client = createClient({
      url: endpoint,
      headers: auth,
      retryAttempts: 3,
      retry: () => new Promise((resolve) => setTimeout(resolve, 1_000)),
    });
    try {
      for await (const result of client.iterate<T>({ query, variables })) {
        if (result.errors?.length) throw new GatewayError(errorsOf(result.errors));
        if (result.data) yield result.data;
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (error instanceof Error) throw unreachable(error);
      // graphql-sse rejects with the GraphQL errors of a refused subscription.
      throw new GatewayError(Array.isArray(error) ? errorsOf(error as { message: string }[]) : String(error));
    } finally {
      client.dispose();
    }
  }

  /** A GET of a path of the gateway (the results CSV), with the token. */
  const get = async (path: string): Promise<Response> => {
    try {
      return await fetch(new URL(path, options.url), { headers: auth });
    } catch (error) {
      throw unreachable(error);
    }
  };

  return { endpoint, baseUrl: options.url, request, subscribe, get };
}
