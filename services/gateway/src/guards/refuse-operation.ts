import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * A plugin that asks `refusal` about every operation before it executes or subscribes — over HTTP,
 * SSE and WebSocket alike — and answers its errors instead when it returns some.
 */
export function refuseOperations<C extends Record<string, unknown> = Record<string, unknown>>(
  refusal: (args: ExecutionArgs) => GraphQLError[] | null,
): Plugin<C> {
  const check = (args: ExecutionArgs, stop: (result: { errors: GraphQLError[] }) => void) => {
    const errors = refusal(args);
    if (errors) stop({ errors });
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => check(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => check(args, setResultAndStopExecution),
  };
}
