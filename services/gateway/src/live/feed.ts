import { countTasksByStatus, getRun, type Database } from '@conveyor/db';
import type { ConveyorEvent, ConveyorNotification, TaskCounts } from '@conveyor/messages';
import { GraphQLError } from 'graphql';
import { createChannel } from './channel.js';

export type FeedMessage = ConveyorEvent | ConveyorNotification;

export type RunProgress = TaskCounts & {
  runId: string;
  status: string;
  percent: number;
  tasksPerSecond: number;
  etaSeconds: number | null;
};

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** A subscriber re-reads the database after this long without a message (ms): a missed message never strands it. */
const RECHECK_MS = 5000;
/** How long a subscriber waits for a just-requested run to be recorded (ms). */
const NEW_RUN_WAIT_MS = 10_000;

async function readProgress(db: Database, runId: string): Promise<RunProgress | undefined> {
  const run = await getRun(db, runId);
  if (!run) return undefined;
  const counts = await countTasksByStatus(db, runId);
  const total = Math.max(counts.total, run.taskCount ?? 0);
  const done = counts.finished + counts.failed + counts.cancelled;
  // A run is terminal for subscribers once its completion is recorded.
  const status = TERMINAL.has(run.status) && !run.completionPublished ? 'RUNNING' : run.status;
  return {
    runId,
    status,
    ...counts,
    total,
    percent: total ? (done * 100) / total : 0,
    tasksPerSecond: 0,
    etaSeconds: null,
  };
}

/**
 * The gateway replica's live view: every event and notification of its own broker queue is pushed to
 * the subscribers of its run and to the subscribers of all runs.
 */
export function createLiveFeed(db: Database) {
  const byRun = new Map<string, Set<(m: FeedMessage) => void>>();
  const all = new Set<(m: FeedMessage) => void>();

  const open = (runId: string | null) => {
    const channel = createChannel<FeedMessage>(() =>
      (runId === null ? all : byRun.get(runId))?.delete(channel.push),
    );
    if (runId === null) all.add(channel.push);
    else byRun.set(runId, (byRun.get(runId) ?? new Set()).add(channel.push));
    return channel;
  };

  return {
    publish: (message: FeedMessage): void => {
      byRun.get(message.runId)?.forEach((push) => push(message));
      all.forEach((push) => push(message));
    },

    /** The current progress first, then every change; ends when the run is terminal. */
    runProgress: async function* (runId: string): AsyncGenerator<RunProgress> {
      const channel = open(runId);
      try {
        let state = await readProgress(db, runId);
        // A run requested a moment ago may not be recorded yet: give the poller a few seconds.
        for (let waited = 0; !state && waited < NEW_RUN_WAIT_MS; waited += 200) {
          await channel.next(200);
          state = await readProgress(db, runId);
        }
        if (!state) throw new GraphQLError(`no run ${runId}`, { extensions: { code: 'NOT_FOUND' } });
        yield state;
        while (!TERMINAL.has(state.status)) {
          const message = await channel.next(RECHECK_MS);
          if (message?.type === 'run.progress') {
            const { counts, status, percent, tasksPerSecond, etaSeconds } = message.data;
            state = { runId, ...counts, status, percent, tasksPerSecond, etaSeconds };
          } else if (message?.type === 'run.completed') {
            const { counts, status } = message.data;
            const done = counts.finished + counts.failed + counts.cancelled;
            state = {
              runId,
              ...counts,
              status,
              percent: counts.total ? (done * 100) / counts.total : 100,
              tasksPerSecond: state.tasksPerSecond,
              etaSeconds: 0,
            };
          } else if (message === undefined) {
            state = (await readProgress(db, runId)) ?? state;
          } else {
            continue;
          }
          yield state;
        }
      } finally {
        channel.close();
      }
    },

    /** Every event of a run as it is published; ends after `run.completed`. */
    runEvents: async function* (runId: string): AsyncGenerator<ConveyorEvent> {
      const channel = open(runId);
      try {
        for (;;) {
          const message = await channel.next(RECHECK_MS);
          if (message === undefined) {
            const run = await getRun(db, runId);
            if (run && TERMINAL.has(run.status) && run.completionPublished) return;
            continue;
          }
          if (message.type === 'run.progress' || message.type === 'task.heartbeat') continue;
          yield message;
          if (message.type === 'run.completed') return;
        }
      } finally {
        channel.close();
      }
    },

    /** The id of every run that changes. */
    runs: async function* (): AsyncGenerator<string> {
      const channel = open(null);
      try {
        for (;;) {
          const message = await channel.next(60_000);
          if (message && (message.type.startsWith('run.') || message.type.startsWith('topology.')))
            yield message.runId;
        }
      } finally {
        channel.close();
      }
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
