import { countTasksByStatus, getRun, hasCompleted } from '@conveyor/db';
import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { progressOf, type RunProgress } from '../progress.js';
import type { FeedMessage, StreamDeps } from './feed.js';

type State = { progress: RunProgress; completed: boolean };

/** The run's progress from the database; `completed` once its run.completed is published. */
async function readState(deps: StreamDeps, runId: string): Promise<State | undefined> {
  const run = await getRun(deps.db, runId);
  if (!run) return undefined;
  const progress = progressOf(run, await countTasksByStatus(deps.db, runId), deps.now());
  return { progress, completed: hasCompleted(run) };
}

const sameProgress = (a: State, b: State) => JSON.stringify(a.progress) === JSON.stringify(b.progress);

/** The next state after a message, or undefined when the message changes nothing shown. */
function apply(state: State, message: FeedMessage): State | undefined {
  const { runId } = state.progress;
  if (message.type === 'run.progress') {
    const { counts, status, percent, tasksPerSecond, etaSeconds } = message.data;
    return { progress: { runId, ...counts, status, percent, tasksPerSecond, etaSeconds }, completed: false };
  }
  if (message.type === 'run.completed') {
    const { counts, status } = message.data;
    const done = counts.finished + counts.failed + counts.cancelled;
    const percent = counts.total ? (done * 100) / counts.total : 100;
    const { tasksPerSecond } = state.progress;
    return {
      progress: { runId, ...counts, status, percent, tasksPerSecond, etaSeconds: 0 },
      completed: true,
    };
  }
  return undefined;
}

/**
 * `runProgress`: the current progress first, then each change (from the poller's run.progress
 * notifications, and from the database when no message came for a while); ends after run.completed.
 */
export function streamRunProgress(deps: StreamDeps, runId: string): Repeater<RunProgress> {
  return new Repeater<RunProgress>(async (push, stop) => {
    const channel = deps.open(runId);
    void stop.then(() => channel.close());
    try {
      let found = await readState(deps, runId);
      // A run requested a moment ago may not be recorded yet: give the poller a few seconds.
      for (let waited = 0; !found && !channel.isClosed() && waited < deps.newRunWaitMs; waited += 200) {
        await channel.next(200);
        found = await readState(deps, runId);
      }
      if (channel.isClosed()) return;
      if (!found) throw new GraphQLError(`no run ${runId}`, { extensions: { code: 'NOT_FOUND' } });
      let state: State = found;
      await push(state.progress);
      while (!state.completed) {
        const message = await channel.next(deps.recheckMs);
        if (channel.isClosed()) return;
        const next = message ? apply(state, message) : await readState(deps, runId);
        // A re-read that shows nothing new is not a change.
        if (!next || (!message && !next.completed && sameProgress(next, state))) continue;
        state = next;
        await push(state.progress);
      }
      stop();
    } catch (error) {
      stop(error);
    } finally {
      channel.close();
    }
  });
}
