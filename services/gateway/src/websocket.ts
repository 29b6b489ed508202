import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Context } from './context.js';

type Enveloped = { execute: (args: unknown) => unknown; subscribe: (args: unknown) => unknown };

/** graphql-ws over the yoga instance: same schema, plugins, context and limits as HTTP and SSE. */
export function graphqlWsOptions(yoga: YogaServerInstance<Record<string, unknown>, Context>): ServerOptions {
  return {
    execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    onSubscribe: async (ctx, _id, params) => {
      const extra = ctx.extra as { request: Request };
      const headers = new Headers();
      const auth = (ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization) as
        string | undefined;
      if (auth) headers.set('authorization', auth);
      const enveloped = yoga.getEnveloped({
        ...ctx,
        req: extra.request,
        request: { headers },
        params,
      }) as unknown as {
        schema: GraphQLSchema;
        execute: Enveloped['execute'];
        subscribe: Enveloped['subscribe'];
        contextFactory: () => Promise<Context>;
        parse: (source: string) => DocumentNode;
        validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
      };
      const { schema, execute, subscribe, contextFactory, parse, validate } = enveloped;
      const args = {
        schema,
        operationName: params.operationName,
        document: parse(params.query),
        variableValues: params.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      if (errors.length) return errors;
      return args;
    },
  };
}
