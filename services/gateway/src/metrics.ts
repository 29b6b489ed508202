import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, type Registry } from 'prom-client';

/** The gateway's Prometheus metrics, counted by a yoga plugin. */
export function createGatewayMetrics(registry: Registry, subscribers: () => number): Plugin {
  const operations = new Counter({
    name: 'conveyor_gateway_operations_total',
    help: 'GraphQL operations executed, by type (query, mutation, subscription)',
    labelNames: ['operation'],
    registers: [registry],
  });
  new Gauge({
    name: 'conveyor_gateway_live_subscriptions',
    help: 'Subscriptions open on this replica',
    registers: [registry],
    collect() {
      this.set(subscribers());
    },
  });
  const count = (args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null }) =>
    operations.inc({ operation: getOperationAST(args.document, args.operationName)?.operation ?? 'unknown' });
  return {
    onExecute: ({ args }) => count(args),
    onSubscribe: ({ args }) => count(args),
  };
}
