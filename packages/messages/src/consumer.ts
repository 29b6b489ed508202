import { setMaxListeners } from 'node:events';
import type { AckOrNack, SubscriberSessionAsPromised } from 'rascal';
import type { Message } from 'amqplib';
import type { BrokerDeps } from './broker.js';
import { truncateText } from './truncate.js';

export type Delivery = {
  message: Message;
  content: Buffer;
  settle: Settle;
};

/** How a delivery ends. Every delivery is settled exactly once, and only here. */
export type Settle = {
  ack: () => void;
  /** Back to the queue, for another consumer (shutdown, a dependency down). */
  requeue: (reason: string) => void;
  /** To `<queue>.dead` with the reason in headers, then acked. */
  deadLetter: (reason: string, headers?: Record<string, unknown>) => Promise<void>;
  /**
   * One part of the message (an entry of a batch) to `<queue>.dead` with the reason in headers; the
   * delivery itself stays unsettled, for its other parts.
   */
  deadLetterPart: (content: Buffer, reason: string, headers?: Record<string, unknown>) => Promise<void>;
};

export type Subscription = {
  /** Stops taking messages at once; handlers in flight go on. */
  cancel: () => Promise<void>;
  /** Resolves when no handler is running any more (after `cancel`: when the consumer is idle for good). */
  drained: () => Promise<void>;
  /** Aborts the handlers' signal: they hand their messages back instead of finishing. */
  abort: () => void;
  /** Hands back (requeues) every message whose handler has not settled it yet. */
  handBack: () => void;
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
    /**
     * `signal` aborts on `abort()`: handlers hand their message back. `intake` aborts on `cancel()`
     * too: a handler that has not started its work yet hands its message back.
     */
    onDelivery: (delivery: Delivery, signal: AbortSignal, intake: AbortSignal) => Promise<void>;
  },
): Promise<Subscription> {
  const { logger } = deps;
  let cancelled: Promise<void> | undefined;
  const unsettled = new Set<Settle>();
  const idleWaiters: (() => void)[] = [];
  const shutdown = new AbortController();
  const intake = new AbortController();
  // Every handler in flight listens to both: as many listeners as the prefetch, not a leak.
  setMaxListeners(0, shutdown.signal, intake.signal);
  const session: SubscriberSessionAsPromised = await deps.rascalBroker.subscribe(options.subscription, {
    prefetch: options.prefetch,
  });

  const settleFor = (message: Message, ackOrNack: AckOrNack): Settle => {
    let settled = false;
    const once = (action: () => void) => {
      if (settled) return;
      settled = true;
      unsettled.delete(settle);
      if (unsettled.size === 0) idleWaiters.splice(0).forEach((wake) => wake());
      action();
    };
    /** Dead-letters `content` (the message, or a part of it) with the message's headers and `reason`. */
    const deadLetterContent = (content: Buffer, reason: string, headers: Record<string, unknown>) =>
      publishDeadLetter(deps, options.queue, content, reason, {
        ...(message.properties.headers ?? {}),
        ...headers,
      });
    const settle: Settle = {
      ack: () => once(() => ackOrNack()),
      // rascal's bare `ackOrNack(error)` would nack without requeue: the strategy is always explicit.
      requeue: (reason) => once(() => ackOrNack(new Error(reason), { strategy: 'nack', requeue: true })),
      deadLetter: async (reason, headers = {}) => {
        if (settled) return;
        await deadLetterContent(message.content, reason, headers);
        once(() => ackOrNack());
      },
      deadLetterPart: async (content, reason, headers = {}) => {
        if (!settled) await deadLetterContent(content, reason, headers);
      },
    };
    unsettled.add(settle);
    return settle;
  };

  session.on('message', (message: Message, content: unknown, ackOrNack: AckOrNack) => {
    const settle = settleFor(message, ackOrNack);
    if (intake.signal.aborted) return settle.requeue('consumer stopping');
    const body = Buffer.isBuffer(content) ? content : message.content;
    options
      .onDelivery({ message, content: body, settle }, shutdown.signal, intake.signal)
      .catch((error: unknown) => {
        logger.error(
          { err: error, queue: options.queue },
          'delivery handling failed; handing the message back',
        );
        settle.requeue('handler crashed');
      });
  });
  session.on('invalid_content', (error: Error, message: Message, ackOrNack: AckOrNack) => {
    void settleFor(message, ackOrNack).deadLetter(`invalid content: ${error.message}`);
  });
  session.on('error', (error: Error) =>
    logger.warn({ err: error, queue: options.queue }, 'subscription error'),
  );

  const idle = () =>
    unsettled.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));

  return {
    cancel: async () => {
      intake.abort(new Error('consumer stopping'));
      // rascal's cancel resolves only once every unacked message is settled: intake stops now (late
      // deliveries are handed back above), the channel closes when the last handler is done.
      cancelled ??= session.cancel().catch((error: unknown) => {
        logger.warn({ err: error, queue: options.queue }, 'cancelling the subscription failed');
      });
    },
    drained: async () => {
      await idle();
      await cancelled;
    },
    abort: () => {
      intake.abort(new Error('consumer stopping'));
      shutdown.abort(new Error('consumer stopping'));
    },
    handBack: () => {
      for (const settle of [...unsettled]) settle.requeue('consumer stopping');
    },
  };
}

/**
 * Puts `content` in `<queue>.dead` with the reason in headers, confirmed: what `Settle.deadLetter`
 * does before it acks, and what a bundle does for one of its tasks (the bundle itself is acked later).
 */
export async function publishDeadLetter(
  deps: Pick<BrokerDeps, 'publishRaw' | 'logger'>,
  queue: string,
  content: Buffer,
  reason: string,
  headers: Record<string, unknown>,
): Promise<void> {
  await deps.publishRaw('deadLetters', content, {
    routingKey: queue,
    headers: {
      ...headers,
      'x-conveyor-reason': truncateText(reason, 2000),
      'x-conveyor-queue': queue,
      'x-conveyor-dead-at': new Date().toISOString(),
    },
  });
  deps.logger.warn({ queue, reason }, 'message dead-lettered');
}
