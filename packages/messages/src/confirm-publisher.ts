import amqplib from 'amqplib';
import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import type { Logger } from '@conveyor/runtime';
import { TransientError } from './errors.js';
import { retryWithBackoff } from './retry-with-backoff.js';

export type OutgoingMessage = {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
};

export type ConfirmPublisherOptions = {
  amqpUrl: string;
  /** Shown by `rabbitmqctl list_connections` and the management UI. */
  connectionName: string;
  logger: Logger;
  /** How long (ms) a publish keeps trying through a lost connection before it rejects. */
  timeoutMs: number;
  /** The broker blocked (`true`) or unblocked this connection's publishing (memory or disk alarm). */
  onBlocked: (blocked: boolean) => void;
};

/**
 * Publishes on one dedicated confirm channel with pipelined confirms: every message of a batch is
 * written, then the confirms are awaited together. (Rascal waits for each confirm on a pooled channel:
 * about 1.2k msg/s here, against over 10k msg/s this way.)
 *
 * The connection opens on first use and again after a loss. Messages not confirmed when a connection
 * is lost are published again once it is back — a consumer may see them twice, which every consumer
 * tolerates (ids are stable) — until `timeoutMs` has passed; then the publish rejects.
 */
export function createConfirmPublisher(options: ConfirmPublisherOptions) {
  const { logger } = options;
  let channel: Promise<ConfirmChannel> | undefined;
  let connection: ChannelModel | undefined;
  let closed = false;

  const open = async (): Promise<ConfirmChannel> => {
    const url = new URL(options.amqpUrl);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', '10'); // s
    const opened = await amqplib.connect(url.toString(), {
      timeout: 10_000, // ms
      clientProperties: { connection_name: options.connectionName },
    });
    connection = opened;
    // The channel or the connection closed: drop both (a lone channel's connection too), so that the
    // next publish opens fresh ones.
    const forget = () => {
      if (connection !== opened) return;
      connection = undefined;
      channel = undefined;
      options.onBlocked(false);
      if (!closed) logger.warn('publisher connection closed; reopening on next publish');
      opened.close().catch(() => undefined);
    };
    opened.on('error', (error: Error) => logger.warn({ err: error }, 'publisher connection error'));
    opened.on('close', forget);
    opened.on('blocked', () => options.onBlocked(true));
    opened.on('unblocked', () => options.onBlocked(false));
    let confirmChannel: ConfirmChannel;
    try {
      if (closed) throw new TransientError('publisher closed');
      confirmChannel = await opened.createConfirmChannel();
    } catch (error) {
      forget();
      throw error;
    }
    confirmChannel.on('error', (error: Error) => logger.warn({ err: error }, 'publisher channel error'));
    confirmChannel.on('close', forget);
    return confirmChannel;
  };

  const currentChannel = () => {
    channel ??= open().catch((error: unknown) => {
      channel = undefined;
      throw error;
    });
    return channel;
  };

  /** Writes every message, then waits for their confirms; returns those the broker did not confirm. */
  const publishOn = async (confirmChannel: ConfirmChannel, messages: OutgoingMessage[]) => {
    const confirms: Promise<boolean>[] = [];
    for (const message of messages) {
      let hasRoom = true;
      confirms.push(
        new Promise<boolean>((resolve) => {
          try {
            hasRoom = confirmChannel.publish(
              message.exchange,
              message.routingKey,
              message.content,
              message.options,
              (error) => resolve(!error),
            );
          } catch {
            resolve(false); // the channel closed under us
          }
        }),
      );
      if (!hasRoom) await drainedOrClosed(confirmChannel);
    }
    const confirmed = await Promise.all(confirms);
    return messages.filter((_, index) => !confirmed[index]);
  };

  /** Publishes until every message is confirmed; past `timeoutMs`, or once closed, rejects (transient). */
  const publish = async (messages: OutgoingMessage[]): Promise<void> => {
    let pending = messages;
    const outcome = await retryWithBackoff(
      async () => {
        if (closed) throw new TransientError('publisher closed');
        pending = await publishOn(await currentChannel(), pending);
        if (pending.length > 0) throw new Error(`${pending.length} messages not confirmed`);
      },
      {
        deadline: Date.now() + options.timeoutMs,
        baseMs: 100,
        maxMs: 5_000,
        // Every failure here is the broker's or the connection's: worth another try, unless closed.
        classify: () => (closed ? 'permanent' : 'transient'),
        onRetry: ({ error, attempt }) =>
          logger.warn({ err: error, pending: pending.length, attempt }, 'publish not confirmed; retrying'),
      },
    );
    if (outcome.ok) return;
    if (closed) throw new TransientError('publisher closed', { cause: outcome.error });
    throw new TransientError(`${pending.length} messages not confirmed by the broker`, {
      cause: outcome.error,
    });
  };

  return {
    publish,
    close: async () => {
      closed = true;
      const open = connection;
      connection = undefined;
      channel = undefined;
      await open?.close().catch(() => undefined);
    },
  };
}

export type ConfirmPublisher = ReturnType<typeof createConfirmPublisher>;

function drainedOrClosed(confirmChannel: ConfirmChannel) {
  return new Promise<void>((resolve) => {
    const done = () => {
      confirmChannel.off('drain', done);
      confirmChannel.off('close', done);
      resolve();
    };
    confirmChannel.on('drain', done);
    confirmChannel.on('close', done);
  });
}
