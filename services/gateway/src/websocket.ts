import type { DocumentNode, ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
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

/**
 * graphql-ws over the yoga instance (yoga's documented recipe): the same schema, plugins, limits and
 * context as HTTP and SSE. The bearer token comes from the connection's `authorization` parameter
 * (browsers cannot set headers on a WebSocket) or from the upgrade request's header.
 */
export function graphqlWsOptions(yoga: Gateway): ServerOptions<Record<string, unknown>, Extra> {
  return {
    execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    onSubscribe: async (ctx, _id, params) => {
      const headers = new Headers();
      const parameter = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const authorization =
        typeof parameter === 'string' ? parameter : ctx.extra.request.headers.authorization;
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
