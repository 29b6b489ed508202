import { describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { BATCH_TYPE, MAX_BATCH_EVENTS, batchBody, packBatches } from './batch.js';
import { MAX_MESSAGE_BYTES } from './bounds.js';
import { createEvent } from './create-event.js';
import { parseEventDelivery } from './parse.js';

const finished = (runId = uuidv4()) =>
  createEvent('task.finished', {
    runId,
    taskId: uuidv4(),
    producer: 'worker',
    data: {
      attempt: 1,
      workerId: 'w1',
      finishedAt: new Date().toISOString(),
      durationMs: 3,
      summary: {},
      resultRows: 0,
      generation: 0,
    },
  });
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('batch messages', () => {
  it('a body of serialized envelopes parses back to the same events, each its own', () => {
    const events = [finished(), finished(), finished()];
    const body = batchBody(events.map(json));
    expect(JSON.parse(body.toString())).toEqual({ type: BATCH_TYPE, version: 1, events });
    expect(parseEventDelivery(body)).toEqual({
      ok: true,
      value: { batch: true, entries: events.map((value) => ({ ok: true, value })) },
    });
  });

  it('a single envelope is a delivery of one event', () => {
    const event = finished();
    expect(parseEventDelivery(json(event))).toEqual({
      ok: true,
      value: { batch: false, entries: [{ ok: true, value: event }] },
    });
  });

  it('refuses a malformed entry alone, with its reason and its own JSON', () => {
    const [a, b] = [finished(), finished()];
    const bad = { ...finished(), data: { attempt: 'one' } };
    const requested = createEvent('run.cancel-requested', {
      runId: uuidv4(),
      producer: 'gateway',
      data: { requestedBy: 'x' },
    });
    const parsed = parseEventDelivery(json({ type: BATCH_TYPE, version: 1, events: [a, bad, requested, b] }));
    if (!parsed.ok) throw new Error(parsed.reason);
    const entries = parsed.value.entries;
    expect(entries.map((entry) => entry.ok)).toEqual([true, false, false, true]);
    expect(entries[1]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^invalid task.finished: data/),
    });
    expect(JSON.parse((entries[1] as { content: Buffer }).content.toString())).toEqual(bad);
    expect(entries[2]).toMatchObject({
      reason: 'run.cancel-requested does not travel in a batch (only task events do)',
    });
  });

  it('refuses a whole message whose frame is malformed, empty or too long', () => {
    const reasonOf = (value: unknown) => {
      const parsed = parseEventDelivery(json(value));
      return parsed.ok ? 'ok' : parsed.reason;
    };
    expect(reasonOf({ type: BATCH_TYPE, version: 2, events: [finished()] })).toMatch(
      /^invalid event.batch: version/,
    );
    expect(reasonOf({ type: BATCH_TYPE, version: 1, events: [] })).toMatch(/^invalid event.batch: events/);
    expect(reasonOf({ type: BATCH_TYPE, version: 1, events: 'x' })).toMatch(/^invalid event.batch: events/);
    const many = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ({}));
    expect(reasonOf({ type: BATCH_TYPE, version: 1, events: many })).toMatch(/^invalid event.batch: events/);
  });

  it('packs envelopes into messages of at most MAX_BATCH_EVENTS entries and 1 MiB, in order', () => {
    const small = Array.from({ length: MAX_BATCH_EVENTS + 5 }, (_, i) => Buffer.from(`{"i":${i}}`));
    const packed = packBatches(small);
    expect(packed.map((batch) => batch.length)).toEqual([MAX_BATCH_EVENTS, 5]);
    expect(packed.flat()).toEqual(small);

    const large = Array.from({ length: 5 }, () => Buffer.alloc(300_000, 0x20));
    const bodies = packBatches(large).map(batchBody);
    expect(bodies.map((body) => body.length <= MAX_MESSAGE_BYTES)).toEqual([true, true]);
    expect(packBatches(large).map((batch) => batch.length)).toEqual([3, 2]);
  });
});
