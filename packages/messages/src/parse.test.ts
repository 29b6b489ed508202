import { describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createEvent, isBuiltEvent } from './create-event.js';
import { MAX_MESSAGE_BYTES, parseEvent, parseTask, parseTaskPayload } from './parse.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const event = createEvent('run.cancel-requested', {
  runId: uuidv4(),
  producer: 'test',
  data: { requestedBy: 'someone' },
});
const reasonOf = (parsed: { ok: true } | { ok: false; reason: string }) => (parsed.ok ? 'ok' : parsed.reason);

describe('parseEvent', () => {
  it('accepts a valid event as is', () => {
    expect(parseEvent(json(event))).toEqual({ ok: true, value: event });
  });

  it('names why it refuses a message', () => {
    expect(reasonOf(parseEvent(Buffer.from('{"a":')))).toMatch(/^not JSON/);
    expect(reasonOf(parseEvent(json({ hello: 'world' })))).toMatch(/^not an envelope: id/);
    expect(reasonOf(parseEvent(json({ ...event, version: 2 })))).toBe(
      'unknown version 2 of run.cancel-requested',
    );
    expect(reasonOf(parseEvent(json({ ...event, type: 'run.paused' })))).toBe('unknown type run.paused');
    expect(reasonOf(parseEvent(json({ ...event, data: {} })))).toMatch(
      /^invalid run.cancel-requested: data.requestedBy/,
    );
    expect(reasonOf(parseEvent(Buffer.alloc(MAX_MESSAGE_BYTES + 1, 32)))).toMatch(/^oversized/);
    expect(reasonOf(parseEvent(Buffer.from(`${'['.repeat(65)}${']'.repeat(65)}`)))).toBe(
      'nested deeper than 64 levels',
    );
    // Brackets inside strings are text, not nesting.
    expect(reasonOf(parseEvent(json({ ...event, producer: '['.repeat(60) })))).toBe('ok');
  });

  it('requires a task id on task events', () => {
    const started = createEvent('task.started', {
      runId: uuidv4(),
      taskId: uuidv4(),
      producer: 'worker',
      data: { attempt: 1, workerId: 'w', startedAt: new Date().toISOString(), generation: 0 },
    });
    const { taskId: _taskId, ...withoutTaskId } = started;
    expect(reasonOf(parseEvent(json(withoutTaskId)))).toMatch(/taskId/);
  });
});

describe('parseTask', () => {
  it('accepts the snake_case task message and refuses a bad date', () => {
    const task = {
      run_id: uuidv4(),
      task_id: uuidv4(),
      selection: 'S1',
      start_date: '2023-01-01 00:00',
      end_date: '2023-01-31 23:59',
      topology_id: 't',
      calculation: 'grid-load',
      generation: 0,
    };
    expect(parseTask(json(task))).toEqual({ ok: true, value: task });
    expect(reasonOf(parseTask(json({ ...task, start_date: '2023-01-01T00:00:00Z' })))).toMatch(
      /^invalid task: start_date/,
    );
  });
});

describe('parseTaskPayload', () => {
  const run = { run_id: uuidv4(), topology_id: 't', calculation: 'noop', generation: 0, reuse: true };
  const piece = (selection: string) => ({
    task_id: uuidv4(),
    selection,
    start_date: '2023-01-01 00:00',
    end_date: '2023-01-31 23:59',
  });

  it('reads a single task as one, a message with `tasks` as a bundle keeping the run fields', () => {
    const single = { ...run, ...piece('S1') };
    expect(parseTaskPayload(json(single))).toEqual({ ok: true, value: single });
    const bundle = { ...run, tasks: [piece('S1'), piece('S2')] };
    expect(parseTaskPayload(json(bundle))).toEqual({ ok: true, value: bundle });
  });

  it('refuses an empty bundle, one over 1,000 tasks, and one with a malformed task', () => {
    expect(reasonOf(parseTaskPayload(json({ ...run, tasks: [] })))).toMatch(/^invalid task bundle: tasks/);
    const many = Array.from({ length: 1001 }, (_, i) => piece(`S${i}`));
    expect(reasonOf(parseTaskPayload(json({ ...run, tasks: many })))).toMatch(/^invalid task bundle: tasks/);
    const bad = { ...run, tasks: [piece('S1'), { ...piece('S2'), start_date: 'soon' }] };
    expect(reasonOf(parseTaskPayload(json(bad)))).toMatch(/^invalid task bundle: tasks\.1\.start_date/);
  });
});

describe('createEvent', () => {
  it('validates the envelope it builds, once: a bad one is refused before it is published', () => {
    expect(() =>
      createEvent('task.started', {
        runId: uuidv4(),
        producer: 'worker',
        data: { attempt: 1, workerId: 'w', startedAt: new Date().toISOString(), generation: 0 },
      }),
    ).toThrow(/taskId/);
    expect(() =>
      createEvent('run.cancel-requested', { runId: 'nope', producer: 'gateway', data: { requestedBy: 'x' } }),
    ).toThrow(/runId/);
  });

  it('marks what it built, and not a copy of it', () => {
    expect(isBuiltEvent(event)).toBe(true);
    expect(isBuiltEvent({ ...event })).toBe(false);
    expect(JSON.parse(JSON.stringify(event))).toEqual({ ...event });
  });
});
