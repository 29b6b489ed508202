import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * A query that runs longer than `maxMs` (GATEWAY_MAX_EXECUTION_MS) answers an error at that time
 * instead of holding its client and a request slot. The resolvers already waiting on the database
 * finish in the background (graphql-js cannot stop them); their results are dropped. Mutations are
 * not cut (an answer "failed" for a run that was in fact requested would mislead), nor are
 * subscriptions, which live as long as their run.
 */
export function useExecutionTimeLimit(maxMs: number): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const { document, operationName } = args as ExecutionArgs;
      if (getOperationAST(document, operationName)?.operation !== OperationTypeNode.QUERY) return;
      setExecuteFn(async (executionArgs: ExecutionArgs) => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<ExecutionResult>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({
                errors: [
                  new GraphQLError(
                    `the query ran longer than ${maxMs.toLocaleString('en-US')} ms (GATEWAY_MAX_EXECUTION_MS) and was stopped`,
                    { extensions: { code: 'QUERY_TIMEOUT', limitMs: maxMs } },
                  ),
                ],
              }),
            maxMs,
          );
        });
        try {
          return await Promise.race([executeFn(executionArgs) as Promise<ExecutionResult>, timedOut]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
