import type { AckOrNack, SubscriberSessionAsPromised } from 'rascal';
import type { Message } from 'amqplib';
import type { BrokerDeps, Subscription } from './broker.js';

export type Delivery = { message: Message; content: Buffer; settle: Settle };

/** How a delivery ends. Every delivery is settled exactly once, and only here. */
export type Settle = {
  ack: () => void;
  /** Back to the queue, for another consumer (shutdown, a dependency down). */
  requeue: (reason: string) => void;
  /** To `<queue>.dead` with the reason in headers, then acked. */
  deadLetter: (reason: string, headers?: Record<string, unknown>) => Promise<void>;
};

/**
 * Runs a rascal subscription with the bookkeeping every consumer needs: counts handlers in flight
 * (for draining), hands back deliveries that arrive after cancel, and settles each message once.
 */
export async function startConsumer(
  deps: BrokerDeps,
  options: {
    subscription: string;
    queue: string;
    prefetch: number;
    onDelivery: (delivery: Delivery) => Promise<void>;
  },
): Promise<Subscription & { signal: AbortSignal }> {
  const { logger } = deps;
  let inFlight = 0;
  let cancelled = false;
  const idleWaiters: (() => void)[] = [];
  const shutdown = new AbortController();
  const session: SubscriberSessionAsPromised = await deps.rascalBroker.subscribe(options.subscription, {
    prefetch: options.prefetch,
  });

  const settleFor = (message: Message, ackOrNack: AckOrNack): Settle => {
    let settled = false;
    const once = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    return {
      ack: () => once(() => ackOrNack()),
      requeue: (reason) => once(() => ackOrNack(new Error(reason), { strategy: 'nack', requeue: true })),
      deadLetter: async (reason, headers = {}) => {
        if (settled) return;
        await deps.publishRaw('deadLetters', message.content, {
          routingKey: options.queue,
          headers: {
            ...(message.properties.headers ?? {}),
            ...headers,
            'x-conveyor-reason': reason.slice(0, 2000),
            'x-conveyor-queue': options.queue,
            'x-conveyor-dead-at': new Date().toISOString(),
          },
        });
        logger.warn({ queue: options.queue, reason }, 'message dead-lettered');
        once(() => ackOrNack());
      },
    };
  };

  session.on('message', (message: Message, content: unknown, ackOrNack: AckOrNack) => {
    const settle = settleFor(message, ackOrNack);
    if (cancelled) return settle.requeue('consumer stopping');
    inFlight++;
    const body = Buffer.isBuffer(content) ? content : message.content;
    options
      .onDelivery({ message, content: body, settle })
      .catch((error: unknown) => {
        logger.error(
          { err: error, queue: options.queue },
          'delivery handling failed; handing the message back',
        );
        settle.requeue('handler crashed');
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) idleWaiters.splice(0).forEach((wake) => wake());
      });
  });
  session.on('invalid_content', (error: Error, message: Message, ackOrNack: AckOrNack) => {
    void settleFor(message, ackOrNack).deadLetter(`invalid content: ${error.message}`);
  });
  session.on('error', (error: Error) =>
    logger.warn({ err: error, queue: options.queue }, 'subscription error'),
  );

  return {
    signal: shutdown.signal,
    cancel: async () => {
      cancelled = true;
      await session.cancel();
    },
    drained: () =>
      inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
