import type { DocumentNode, ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { UNAUTHENTICATED_MESSAGE } from './guards/access.js';
import { checkBearer } from './http/bearer.js';
import { foreignOriginMessage, isAllowedOrigin } from './http/origin.js';
import type { Gateway } from './yoga.js';

/** What yoga's envelop gives a graphql-ws operation: its own parse, validate, context, execute, subscribe. */
type Enveloped = {
  schema: GraphQLSchema;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
  contextFactory: () => Promise<unknown>;
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
};

export type WebSocketAccess = {
  /** GATEWAY_TOKEN, when set: every connection needs it. */
  token?: string;
  /** GATEWAY_CORS_ORIGINS: origins besides the gateway's own that may connect. */
  corsOrigins: readonly string[];
};

/** Close codes of a refused connection (graphql-ws's own, as a client library expects them). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

/**
 * The bearer token of a connection: its `authorization` parameter (browsers cannot set headers on a
 * WebSocket) or the upgrade request's header.
 */
function authorizationOf(ctx: {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: Extra;
}): string | undefined {
  const parameter = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
  return typeof parameter === 'string' ? parameter : ctx.extra.request.headers.authorization;
}

/**
 * graphql-ws over the yoga instance (yoga's documented recipe): the same schema, plugins, limits and
 * context as HTTP and SSE. A connection from a foreign origin (any web page the operator visits could
 * open one: browsers send no CORS preflight for WebSocket) is closed with 4403, one without the token
 * (when GATEWAY_TOKEN is set) with 4401, before it is acknowledged and so before any operation.
 */
export function graphqlWsOptions(
  yoga: Gateway,
  access: WebSocketAccess,
): ServerOptions<Record<string, unknown>, Extra> {
  return {
    execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    onConnect: (ctx) => {
      const { headers } = ctx.extra.request;
      const refuse = (code: number, reason: string) => {
        // Closed here with our code; graphql-ws's own close (4403) after `false` is then a no-op.
        ctx.extra.socket.close(code, reason.slice(0, 120));
        return false;
      };
      if (!isAllowedOrigin(headers.origin, headers.host, access.corsOrigins))
        return refuse(CLOSE_FORBIDDEN, foreignOriginMessage(headers.origin!));
      if (!checkBearer(authorizationOf(ctx), access.token))
        return refuse(CLOSE_UNAUTHORIZED, UNAUTHENTICATED_MESSAGE);
      return true;
    },
    onSubscribe: async (ctx, _id, params) => {
      const headers = new Headers();
      const authorization = authorizationOf(ctx);
      if (authorization) headers.set('authorization', authorization);
      const enveloped = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        request: { headers },
        params,
      }) as unknown as Enveloped;
      const document = enveloped.parse(params.query);
      const errors = enveloped.validate(enveloped.schema, document);
      if (errors.length) return [...errors];
      return {
        schema: enveloped.schema,
        operationName: params.operationName,
        document,
        variableValues: params.variables,
        contextValue: await enveloped.contextFactory(),
        rootValue: enveloped,
      };
    },
  };
}
