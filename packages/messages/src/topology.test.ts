import { describe, expect, it } from 'vitest';
import { BATCH_ROUTING_KEY } from './batch.js';
import { eventCatalogue, eventTypesConsumedBy, notificationCatalogue } from './catalogue.js';
import { EVENT_TYPES } from './events.js';
import { createBrokerConfig, EVENT_CONSUMERS } from './topology.js';

type Binding = { source: string; destination: string; bindingKey: string };
type Queue = { options: { durable?: boolean; arguments?: Record<string, unknown> } };

const configOf = (gatewayReplicaId?: string) => {
  const config = createBrokerConfig({ amqpUrl: 'amqp://localhost', namespace: 'ns', gatewayReplicaId });
  const vhost = config.vhosts!['/']!;
  return {
    queues: vhost.queues as Record<string, Queue>,
    bindings: Object.values(vhost.bindings as Record<string, Binding>),
    publications: vhost.publications as Record<
      string,
      { confirm?: boolean; exchange?: string; queue?: string }
    >,
    subscriptions: vhost.subscriptions as Record<string, { queue: string }>,
  };
};
const keysBoundTo = (bindings: Binding[], source: string, destination: string) =>
  bindings
    .filter((binding) => binding.source === source && binding.destination === destination)
    .map((binding) => binding.bindingKey)
    .sort();

describe('the catalogue', () => {
  it('routes what DESIGN §4 says each service consumes', () => {
    expect(eventTypesConsumedBy('topology')).toEqual(['run.requested']);
    expect(eventTypesConsumedBy('leader').sort()).toEqual(['run.retry-requested', 'topology.built']);
    expect(eventTypesConsumedBy('poller').sort()).toEqual([...EVENT_TYPES].sort());
    expect(eventTypesConsumedBy('gateway').sort()).toEqual([...EVENT_TYPES].sort());
    expect(eventTypesConsumedBy('worker')).toEqual([]);
  });

  it('names a producer for every message', () => {
    for (const entry of [...Object.values(eventCatalogue), ...Object.values(notificationCatalogue)]) {
      expect(entry.producers.length).toBeGreaterThan(0);
    }
  });
});

describe('createBrokerConfig', () => {
  it("binds each consumer's durable quorum queue to exactly the types the catalogue gives it, and batches to those of task events", () => {
    const { queues, bindings, subscriptions } = configOf();
    for (const consumer of EVENT_CONSUMERS) {
      const queue = `ns.${consumer}.events`;
      const types = eventTypesConsumedBy(consumer);
      const batches = types.includes('task.finished') ? [BATCH_ROUTING_KEY] : [];
      expect(keysBoundTo(bindings, 'ns.events', queue)).toEqual([...types, ...batches].sort());
      expect(queues[queue]?.options).toMatchObject({
        durable: true,
        arguments: { 'x-queue-type': 'quorum', 'x-dead-letter-exchange': 'ns.dead' },
      });
      expect(keysBoundTo(bindings, 'ns.dead', `${queue}.dead`)).toEqual([queue]);
      expect(subscriptions[consumer]?.queue).toBe(queue);
    }
  });

  it('declares the task queue (quorum, delivery limit), its delay queue back to it, and its dead-letter queue', () => {
    const { queues, bindings, publications } = configOf();
    expect(queues['ns.tasks']?.options.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 20,
      'x-dead-letter-exchange': 'ns.dead',
      'x-dead-letter-routing-key': 'ns.tasks',
    });
    expect(keysBoundTo(bindings, 'ns.tasks', 'ns.tasks')).toEqual(['task']);
    expect(queues['ns.tasks.delay']?.options.arguments).toEqual({
      'x-dead-letter-exchange': 'ns.tasks',
      'x-dead-letter-routing-key': 'task',
    });
    expect(keysBoundTo(bindings, 'ns.dead', 'ns.tasks.dead')).toEqual(['ns.tasks']);
    expect(publications.taskRetries).toMatchObject({ queue: 'ns.tasks.delay', confirm: true });
    expect(publications.events).toMatchObject({ exchange: 'ns.events', confirm: true });
    expect(publications.notifications).toMatchObject({ exchange: 'ns.notifications', confirm: false });
  });

  it("declares a gateway replica's queue of every event and notification only for that replica", () => {
    expect(Object.keys(configOf().queues).some((queue) => queue.startsWith('ns.gateway.'))).toBe(false);
    const { queues, bindings } = configOf('r1');
    expect(queues['ns.gateway.r1']?.options.arguments).toMatchObject({ 'x-expires': 60_000 });
    expect(keysBoundTo(bindings, 'ns.events', 'ns.gateway.r1')).toEqual(
      [...EVENT_TYPES, BATCH_ROUTING_KEY].sort(),
    );
    expect(keysBoundTo(bindings, 'ns.notifications', 'ns.gateway.r1')).toEqual(
      Object.keys(notificationCatalogue).sort(),
    );
  });
});
