import { getOperationAST, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { refuseOperations } from './refuse-operation.js';

export const UNAUTHENTICATED_MESSAGE =
  'a valid bearer token is required (Authorization: Bearer <GATEWAY_TOKEN>)';

/** What a request without the token may do: nothing, or read (GATEWAY_PUBLIC_READS). */
export type Access = { publicReads: boolean };

/** Whether an operation of this type may run for a request that did (not) carry the token. */
export function mayRun(
  operation: 'query' | 'mutation' | 'subscription' | undefined,
  authorized: boolean,
  access: Access,
): boolean {
  return authorized || (operation === 'query' && access.publicReads);
}

function unauthenticated(): GraphQLError {
  return new GraphQLError(UNAUTHENTICATED_MESSAGE, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } },
  });
}

/**
 * The token guards every operation (DESIGN §6): with GATEWAY_TOKEN set, a query, mutation or
 * subscription without it is refused before any resolver runs — over HTTP, SSE and WebSocket alike,
 * since all of them execute through envelop. GATEWAY_PUBLIC_READS lets queries through.
 */
export function useOperationAccess(access: Access): Plugin<Context> {
  return refuseOperations<Context>((args) => {
    const operation = getOperationAST(args.document, args.operationName)?.operation;
    return mayRun(operation, (args.contextValue as Context).authorized, access) ? null : [unauthenticated()];
  });
}
