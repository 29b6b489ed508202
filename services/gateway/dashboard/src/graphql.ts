// The dashboard's GraphQL documents are typed from the committed schema.graphql: `gql.tada
// generate-output` (run by the gateway's typecheck) writes graphql-env.d.ts from it, TypeScript infers
// each document's result and variables, and `gql.tada check` validates the documents against it.
import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './graphql-env';

export const graphql = initGraphQLTada<{ introspection: introspection; disableMasking: true }>();

export type { ResultOf, VariablesOf } from 'gql.tada';
/** A typed query, mutation or subscription. */
export type Document<Result, Variables> = TadaDocumentNode<Result, Variables>;
