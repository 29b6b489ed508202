import { describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createEvent, type ConveyorEvent } from '@conveyor/messages';
import { createEventBatcher } from './event-batcher.js';

const cancelled = () =>
  createEvent('task.cancelled', {
    runId: uuidv4(),
    taskId: uuidv4(),
    producer: 'worker',
    data: { workerId: 'w-1', generation: 0 },
  });

/** A publisher whose confirms the test gives, batch by batch. */
function confirmByHand() {
  const batches: { events: ConveyorEvent[]; confirm: () => void; refuse: (error: Error) => void }[] = [];
  const publishBatch = (events: ConveyorEvent[]) =>
    new Promise<void>((resolve, reject) => batches.push({ events, confirm: resolve, refuse: reject }));
  return { batches, publishBatch };
}

describe('createEventBatcher', () => {
  it('publishes the events of a flush window as one batch; each resolves once that batch is confirmed', async () => {
    const { batches, publishBatch } = confirmByHand();
    const publish = createEventBatcher(publishBatch, { maxEvents: 100, flushMs: 1 });
    const events = [cancelled(), cancelled(), cancelled()];
    const settled: string[] = [];
    const outcomes = events.map((event) => publish(event).then(() => settled.push(event.id)));
    while (batches.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));

    expect(batches.map((batch) => batch.events)).toEqual([events]);
    // Not confirmed yet: no task may be acked.
    await Promise.resolve();
    expect(settled).toEqual([]);
    batches[0]!.confirm();
    await Promise.all(outcomes);
    expect(settled.sort()).toEqual(events.map((event) => event.id).sort());
  });

  it('starts a new batch at maxEvents; a refused batch rejects its own events only', async () => {
    const { batches, publishBatch } = confirmByHand();
    const publish = createEventBatcher(publishBatch, { maxEvents: 2, flushMs: 60_000 });
    const first = [publish(cancelled()), publish(cancelled())];
    const second = [publish(cancelled()), publish(cancelled())];
    expect(batches.map((batch) => batch.events.length)).toEqual([2, 2]);
    batches[0]!.refuse(new Error('not confirmed'));
    batches[1]!.confirm();
    await expect(Promise.all(first)).rejects.toThrow('not confirmed');
    await expect(Promise.all(second)).resolves.toEqual([undefined, undefined]);
  });

  it('publishes at once, with the events waiting, when no task is computing (idle)', async () => {
    const { batches, publishBatch } = confirmByHand();
    let computing = 1;
    const publish = createEventBatcher(publishBatch, {
      maxEvents: 100,
      flushMs: 60_000,
      idle: () => computing === 0,
    });
    const waiting = publish(cancelled());
    expect(batches).toHaveLength(0); // another task computes: its event may join the window
    computing = 0;
    const last = publish(cancelled());
    expect(batches.map((batch) => batch.events.length)).toEqual([2]);
    batches[0]!.confirm();
    await expect(Promise.all([waiting, last])).resolves.toEqual([undefined, undefined]);
  });
});
