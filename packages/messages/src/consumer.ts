import { setMaxListeners } from 'node:events';
import type { AckOrNack, SubscriberSessionAsPromised } from 'rascal';
import type { Message } from 'amqplib';
import type { BrokerDeps } from './broker.js';
import { truncateText } from './truncate.js';

export type Delivery = {
  message: Message;
  content: Buffer;
  settle: Settle;
  /**
   * Acks deliveries of this consumer together: one multiple-ack when they are every delivery the
   * channel has not settled yet, else one ack each (rascal can ack all of a channel, not "up to").
   */
  ackTogether: (settles: Settle[]) => void;
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

/** rascal's multiple-ack: `ackOrNack(undefined, { all: true })` acks every unacked message of the channel. */
const ackAll = (ackOrNack: AckOrNack) =>
  (ackOrNack as unknown as (error: undefined, options: { all: true }) => void)(undefined, { all: true });

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

  /** How each unsettled delivery is acked alone, and marked settled without an ack of its own. */
  const acks = new Map<Settle, { consumerTag: string; ack: (all: boolean) => void; silence: () => void }>();

  const settleFor = (message: Message, ackOrNack: AckOrNack): Settle => {
    let settled = false;
    const once = (action: () => void) => {
      if (settled) return;
      settled = true;
      unsettled.delete(settle);
      acks.delete(settle);
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
    acks.set(settle, {
      consumerTag: message.fields.consumerTag ?? '',
      // `all`: rascal's ackAll, every unacked message of the channel at once.
      // (rascal takes `{ all: true }` as its options; its types know only recovery strategies.)
      ack: (all) => once(() => (all ? ackAll(ackOrNack) : ackOrNack())),
      // Settled by another delivery's multiple-ack.
      silence: () => once(() => undefined),
    });
    return settle;
  };

  const ackTogether = (settles: Settle[]) => {
    const pending = [...new Set(settles)].flatMap((settle) => {
      const ack = acks.get(settle);
      return ack ? [ack] : [];
    });
    const last = pending.pop();
    if (!last) return;
    // Every delivery not yet settled is one of these, on one channel: a multiple-ack covers exactly them.
    const everyOne =
      unsettled.size === pending.length + 1 && pending.every((ack) => ack.consumerTag === last.consumerTag);
    if (!everyOne) {
      [...pending, last].forEach((ack) => ack.ack(false));
      return;
    }
    // The others are settled by the one multiple-ack of the last.
    pending.forEach((ack) => ack.silence());
    last.ack(true);
  };

  session.on('message', (message: Message, content: unknown, ackOrNack: AckOrNack) => {
    const settle = settleFor(message, ackOrNack);
    if (intake.signal.aborted) return settle.requeue('consumer stopping');
    const body = Buffer.isBuffer(content) ? content : message.content;
    options
      .onDelivery({ message, content: body, settle, ackTogether }, shutdown.signal, intake.signal)
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
