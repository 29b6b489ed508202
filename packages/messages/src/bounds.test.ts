import { describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { MAX_MESSAGE_BYTES } from './bounds.js';
import { createEvent } from './create-event.js';
import { PermanentError } from './errors.js';
import { ConveyorEvent } from './events.js';
import { parseEvent } from './parse.js';
import { TaskMessage } from './task.js';
import { listProblems, truncateText } from './truncate.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('truncateText', () => {
  it('keeps a short text as it is', () => {
    expect(truncateText('disk full', 100)).toBe('disk full');
  });

  it('cuts a long one to the limit and says how much was cut', () => {
    const cut = truncateText('x'.repeat(10_000), 1000);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut).toMatch(/^x+… \(\d+ characters cut\)$/);
    const kept = cut.indexOf('…');
    expect(Number(/\((\d+) characters/.exec(cut)?.[1])).toBe(10_000 - kept);
  });

  it('never leaves half a surrogate pair', () => {
    const cut = truncateText('😀'.repeat(1000), 101);
    expect(cut.slice(0, cut.indexOf('…'))).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});

describe('listProblems', () => {
  it('lists every problem that fits', () => {
    expect(listProblems('invalid topology:', ['- a', '- b'])).toBe('invalid topology:\n- a\n- b');
  });

  it('counts the problems left out', () => {
    const problems = Array.from({ length: 100_000 }, (_, i) => `- [unreachable] node n${i} is unreachable`);
    const reason = listProblems('invalid topology:', problems, 8192);
    expect(reason.length).toBeLessThanOrEqual(8192);
    const shown = reason.split('\n').length - 2; // the heading and the count line
    expect(reason).toMatch(new RegExp(`\\n\\(${100_000 - shown} more problems\\)$`));
  });
});

describe('envelope bounds', () => {
  const runId = uuidv4();
  const failed = (reason: string) => ({
    ...createEvent('topology.failed', { runId, producer: 'topology', data: { reason: 'x' } }),
    data: { reason },
  });

  it('refuses strings longer than their columns', () => {
    const base = createEvent('run.cancel-requested', {
      runId,
      producer: 'gateway',
      data: { requestedBy: 'me' },
    });
    expect(ConveyorEvent.safeParse({ ...base, producer: 'p'.repeat(65) }).success).toBe(false);
    expect(ConveyorEvent.safeParse({ ...base, producer: 'p'.repeat(64) }).success).toBe(true);
    expect(ConveyorEvent.safeParse({ ...base, data: { requestedBy: 'r'.repeat(129) } }).success).toBe(false);
    expect(ConveyorEvent.safeParse(failed('r'.repeat(8193))).success).toBe(false);
    expect(ConveyorEvent.safeParse(failed(truncateText('r'.repeat(100_000)))).success).toBe(true);
  });

  it('refuses an attempt over 1,000 and a generation over 10,000', () => {
    const started = (attempt: number, generation: number) => ({
      ...createEvent('task.started', {
        runId,
        taskId: uuidv4(),
        producer: 'worker',
        data: { attempt: 1, workerId: 'w', startedAt: new Date().toISOString(), generation: 0 },
      }),
      data: { attempt, workerId: 'w', startedAt: new Date().toISOString(), generation },
    });
    expect(ConveyorEvent.safeParse(started(1000, 10_000)).success).toBe(true);
    expect(ConveyorEvent.safeParse(started(1001, 0)).success).toBe(false);
    expect(ConveyorEvent.safeParse(started(1, 10_001)).success).toBe(false);
    const task = {
      run_id: runId,
      task_id: uuidv4(),
      selection: '1',
      start_date: '2023-01-01 00:00',
      end_date: '2023-01-31 23:59',
      topology_id: 't',
      calculation: 'grid-load',
    };
    expect(TaskMessage.safeParse({ ...task, generation: 10_000 }).success).toBe(true);
    expect(TaskMessage.safeParse({ ...task, generation: 10_001 }).success).toBe(false);
  });

  it('dead-letters, on the way in, a reason over 8 KiB', () => {
    const parsed = parseEvent(json(failed('r'.repeat(9000))));
    expect(parsed.ok).toBe(false);
  });

  it('createEvent refuses an envelope over 1 MiB with a permanent error', () => {
    const build = () =>
      createEvent('task.finished', {
        runId,
        taskId: uuidv4(),
        producer: 'worker',
        data: {
          attempt: 1,
          workerId: 'w',
          finishedAt: new Date().toISOString(),
          durationMs: 1,
          summary: { blob: 'b'.repeat(MAX_MESSAGE_BYTES) },
          resultRows: 0,
          generation: 0,
        },
      });
    expect(build).toThrow(PermanentError);
    expect(build).toThrow(/the task.finished event is \d+ bytes, over the 1 MiB limit/);
  });
});
