import { emptyRun, evolveRun, getRun, listRuns, type Run } from '@conveyor/db';
import { Repeater } from 'graphql-yoga';
import { ActiveRunStatus } from '@conveyor/messages';
import type { FeedMessage, StreamDeps } from './feed.js';

/** Runs not yet finished that a new subscriber receives first. */
const ACTIVE_LIMIT = 100;

/** Messages that change what a run shows in a list: its status, counts or progress. */
const changesRun = (message: FeedMessage) =>
  message.type.startsWith('run.') || message.type.startsWith('topology.');

/**
 * `runs`: every run not yet finished first, then each run that changes. Messages that arrive while
 * the subscriber is busy are merged: a run is read once per batch, however many messages it had.
 */
export function streamRuns(deps: StreamDeps): Repeater<Run> {
  return new Repeater<Run>(async (push, stop) => {
    const channel = deps.open(null);
    void stop.then(() => channel.close());
    try {
      const active = await listRuns(deps.db, { status: ActiveRunStatus.options, limit: ACTIVE_LIMIT });
      for (const run of active) await push(run);
      while (!channel.isClosed()) {
        const first = await channel.next(60_000);
        if (!first) continue;
        const changed = new Map<string, FeedMessage>();
        for (const message of [first, ...channel.takeAll()]) {
          // Keep a run.requested: it alone can stand for a run not recorded yet.
          if (changesRun(message) && (!changed.has(message.runId) || message.type === 'run.requested'))
            changed.set(message.runId, message);
        }
        for (const [runId, message] of changed) {
          const row = await getRun(deps.db, runId);
          // A run requested a moment ago is not recorded yet: show its request.
          const run =
            row ?? (message.type === 'run.requested' ? evolveRun(emptyRun(runId), message) : undefined);
          if (run && !channel.isClosed()) await push(run);
        }
      }
      stop();
    } catch (error) {
      stop(error);
    } finally {
      channel.close();
    }
  });
}
