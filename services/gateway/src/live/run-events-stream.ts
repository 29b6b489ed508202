import { getRun, hasCompleted, listRunEvents } from '@conveyor/db';
import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { liveEventView, recordedEventView, type RunEventView } from '../run-event.js';
import type { StreamDeps } from './feed.js';

const PAGE = 500;

const isCompletedRun = async (deps: StreamDeps, runId: string) => {
  const run = await getRun(deps.db, runId);
  return run !== undefined && hasCompleted(run);
};

/**
 * `runEvents`: the run's recorded events first (in recording order), then each event as it is
 * published, each event once; ends after run.completed.
 */
export function streamRunEvents(deps: StreamDeps, runId: string): Repeater<RunEventView> {
  return new Repeater<RunEventView>(async (push, stop) => {
    const channel = deps.open(runId);
    void stop.then(() => channel.close());
    const seen = new Set<string>();
    let position: number | undefined;
    /** Sends the recorded events not sent yet; true when run.completed was among them. */
    const replay = async () => {
      let completed = false;
      for (;;) {
        const rows = await listRunEvents(deps.db, { runId, afterPosition: position, limit: PAGE });
        for (const row of rows) {
          position = row.position;
          if (seen.has(row.eventId)) continue;
          seen.add(row.eventId);
          completed ||= row.type === 'run.completed';
          await push(recordedEventView(row));
        }
        if (rows.length < PAGE || channel.isClosed()) return completed;
      }
    };
    try {
      let completed = (await replay()) && (await isCompletedRun(deps, runId));
      let waited = 0;
      while (!completed && !channel.isClosed()) {
        const message = await channel.next(seen.size ? deps.recheckMs : 200);
        if (channel.isClosed()) break;
        if (!message) {
          // Quiet for a while: catch up from the event store (a message this replica missed).
          completed = (await replay()) && (await isCompletedRun(deps, runId));
          waited += 200;
          if (!seen.size && waited >= deps.newRunWaitMs)
            throw new GraphQLError(`no run ${runId}`, { extensions: { code: 'NOT_FOUND' } });
          continue;
        }
        if (
          message.type === 'run.progress' ||
          message.type === 'task.heartbeat' ||
          message.type === 'worker.heartbeat'
        )
          continue;
        if (seen.has(message.id)) continue;
        seen.add(message.id);
        await push(liveEventView(message));
        completed = message.type === 'run.completed';
      }
      stop();
    } catch (error) {
      stop(error);
    } finally {
      channel.close();
    }
  });
}
