import { getRun, hasCompleted, readRunProgress } from '@conveyor/db';
import { computeProgress, type RunProgress } from '@conveyor/messages';
import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import type { FeedMessage, StreamDeps } from './feed.js';

export type RunProgressView = RunProgress & { runId: string };
type State = { progress: RunProgressView; completed: boolean };

/** The run's progress from the database; `completed` once its run.completed is published. */
async function readState(deps: StreamDeps, runId: string): Promise<State | undefined> {
  const run = await getRun(deps.db, runId);
  if (!run) return undefined;
  const progress = await readRunProgress(deps.db, run, deps.now());
  return { progress: { runId, ...progress }, completed: hasCompleted(run) };
}

const sameProgress = (a: State, b: State) => JSON.stringify(a.progress) === JSON.stringify(b.progress);

/**
 * The next state after a message, or undefined when the message changes nothing shown. The poller
 * computes run.progress with the same computeProgress as a re-read; run.completed carries counts
 * only, so the rate stays the last one measured (the window before the completion).
 */
function apply(state: State, message: FeedMessage): State | undefined {
  const { runId } = state.progress;
  if (message.type === 'run.progress') {
    const { counts, status, percent, tasksPerSecond, etaSeconds } = message.data;
    return { progress: { runId, ...counts, status, percent, tasksPerSecond, etaSeconds }, completed: false };
  }
  if (message.type === 'run.completed') {
    const { counts, status } = message.data;
    const { tasksPerSecond } = state.progress;
    const progress = computeProgress({ status, counts, plannedTasks: null, tasksPerSecond });
    return { progress: { runId, ...progress }, completed: true };
  }
  return undefined;
}

/**
 * `runProgress`: the current progress first, then each change (from the poller's run.progress
 * notifications, and from the database when no message came for a while); ends after run.completed.
 */
export function streamRunProgress(deps: StreamDeps, runId: string): Repeater<RunProgressView> {
  return new Repeater<RunProgressView>(async (push, stop) => {
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
