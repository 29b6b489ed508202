import {
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isListType,
  isObjectType,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import { refuseOperations } from './refuse-operation.js';
import { DEFAULT_PAGE } from '../schema/pagination.js';

const count = (n: number) => n.toLocaleString('en-US');

/**
 * 1 per field, times the rows the field's parent may repeat: a field with a `first` argument (a
 * connection) multiplies what it holds by its page size — from a literal or a variable, DEFAULT_PAGE
 * when absent — and so does a plain list of objects (its length is unknown). The `nodes` list of a
 * connection is the page itself and does not multiply again.
 */
const pagedEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.args.some((argument) => argument.name === 'first')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : DEFAULT_PAGE;
    return 1 + first * childComplexity;
  }
  const nullable = getNullableType(field.type);
  const listOfObjects = isListType(nullable) && isCompositeType(getNamedType(field.type));
  const pageOfConnection = isObjectType(type) && 'pageInfo' in type.getFields();
  return 1 + (listOfObjects && !pageOfConnection ? DEFAULT_PAGE : 1) * childComplexity;
};

/** The cost of one operation with its variables (GraphQLError when it cannot be computed). */
export function queryCost(args: {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}): number {
  return getComplexity({
    schema: args.schema,
    query: args.document,
    variables: args.variables ?? {},
    ...(args.operationName ? { operationName: args.operationName } : {}),
    estimators: [pagedEstimator],
  });
}

/**
 * Refuses, before execution, an operation that costs more than `maxCost` (GATEWAY_MAX_COST). Unlike a
 * validation rule it sees the variables, so `runs(first: $n)` counts `$n` rows.
 */
export function useQueryCost(maxCost: number): Plugin {
  return refuseOperations((args) => {
    // Invalid variables: graphql-js refuses them itself (a request error, 400) before any resolver runs.
    const operation = getOperationAST(args.document, args.operationName);
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const coerced = getVariableValues(args.schema, operation?.variableDefinitions ?? [], variables);
    if (!operation || coerced.errors) return null;
    let cost: number;
    try {
      cost = queryCost({ ...args, variables });
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : 'the query cost cannot be computed';
      return [new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COSTLY' } })];
    }
    if (cost <= maxCost) return null;
    return [
      new GraphQLError(
        `the query costs ${count(cost)}, over the cost limit of ${count(maxCost)} (GATEWAY_MAX_COST): ` +
          'ask for smaller pages (first), fewer fields or fewer aliases',
        { extensions: { code: 'QUERY_TOO_COSTLY', cost, limit: maxCost } },
      ),
    ];
  });
}
