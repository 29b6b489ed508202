import { setTimeout as sleep } from 'node:timers/promises';
import {
  claimCompletion,
  findCompletableRuns,
  findUnpublishedCompletions,
  markCompletionPublished,
  type Completion,
  type Database,
} from '@conveyor/db';
import { createEvent, eventIdFor, type ConveyorEvent } from '@conveyor/messages';
import type { Logger } from '@conveyor/runtime';

export type CompletionDeps = {
  db: Database;
  publishEvents: (events: ConveyorEvent[]) => Promise<void>;
  logger: Logger;
  onCompleted: (completion: Completion) => void;
  /** Test only (POLLER_FAILPOINT_CLAIM_PAUSE_MS): ms to pause between a claim and its publish. */
  claimPauseMs?: number;
};

function completedEvent(completion: Completion) {
  return createEvent('run.completed', {
    // One id per run and generation: however many pollers publish it, the store keeps one.
    id: eventIdFor(completion.runId, 'run.completed', completion.generation),
    runId: completion.runId,
    producer: 'poller',
    data: {
      status: completion.status,
      counts: completion.counts,
      durationMs: completion.durationMs,
      generation: completion.generation,
      ...(completion.reason === undefined ? {} : { reason: completion.reason }),
    },
  });
}

/**
 * Completes the runs that are done: claims each completion in the database (only one poller wins),
 * publishes `run.completed`, then marks it published. A poller that dies between claim and publish
 * leaves an unpublished completion, which `republishCompletions` publishes once it has stayed so for
 * a poll.
 */
export async function completeRuns(runIds: string[] | undefined, deps: CompletionDeps): Promise<void> {
  const completions = await findCompletableRuns(deps.db, runIds);
  const claimed: Completion[] = [];
  for (const completion of completions) {
    if (await claimCompletion(deps.db, completion)) claimed.push(completion);
  }
  if (claimed.length === 0) return;
  if (deps.claimPauseMs) {
    deps.logger.warn({ runIds: claimed.map((c) => c.runId) }, 'failpoint: pausing after the claim');
    await sleep(deps.claimPauseMs);
  }
  await deps.publishEvents(claimed.map(completedEvent));
  for (const completion of claimed) {
    await markCompletionPublished(deps.db, completion.runId, completion.generation);
    deps.logger.info(
      { runId: completion.runId, status: completion.status, counts: completion.counts },
      'run completed',
    );
    deps.onCompleted(completion);
  }
}

const completionKey = (completion: Completion) => `${completion.runId}:${completion.generation}`;

/**
 * The safety net: publishes completions that were claimed but never published — only those already
 * unpublished at the previous poll (`seen`, kept by the caller between polls). A younger claim may be a
 * poller, this one or another, still waiting for its publish to be confirmed: publishing it as well
 * would publish `run.completed` twice.
 */
export async function republishCompletions(deps: CompletionDeps, seen: Set<string>): Promise<void> {
  const unpublished = await findUnpublishedCompletions(deps.db);
  const pending = unpublished.filter((completion) => seen.has(completionKey(completion)));
  seen.clear();
  for (const completion of unpublished) seen.add(completionKey(completion));
  if (pending.length === 0) return;
  await deps.publishEvents(pending.map(completedEvent));
  for (const completion of pending) {
    await markCompletionPublished(deps.db, completion.runId, completion.generation);
    deps.logger.warn({ runId: completion.runId }, 'republished a completion left unpublished');
  }
}
