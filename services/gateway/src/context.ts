import type { Database } from '@conveyor/db';
import type { ConveyorEvent } from '@conveyor/messages';
import { GraphQLError } from 'graphql';
import type { LiveFeed } from './live/feed.js';

/** What every resolver receives. */
export type Context = {
  db: Database;
  publishEvent: (event: ConveyorEvent) => Promise<void>;
  live: LiveFeed;
  /** False when GATEWAY_TOKEN is set and the request did not carry it. */
  authorized: boolean;
  requestedBy: string;
};

/** Mutations and subscriptions call this first. */
export function requireToken(context: Context): void {
  if (!context.authorized) {
    throw new GraphQLError('a valid bearer token is required', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
}
