// Random and hostile input at the envelope and task parsers: each answers a value or a reason to
// dead-letter with (bounded, non-empty) — never an exception, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { createEvent } from './create-event.js';
import { createNotification } from './create-notification.js';
import {
  MAX_REASON_LENGTH,
  parseEvent,
  parseNotification,
  parseTask,
  parseTaskPayload,
  type Parsed,
} from './parse.js';

const runId = uuidv4();
const taskId = uuidv4();
const samples: unknown[] = [
  createEvent('run.requested', {
    runId,
    producer: 'gateway',
    data: {
      window: { start: '2023-01-01 00:00', end: '2023-01-31 23:59' },
      chunk: 'day',
      selections: ['1', '2'],
      topologySource: 'synthetic:substations=2&nodes=3&seed=1',
      calculation: 'grid-load',
      requestedBy: 'token',
    },
  }),
  createEvent('tasks.queued', {
    runId,
    producer: 'leader',
    data: {
      tasks: [{ taskId, selection: '1', startDate: '2023-01-01 00:00', endDate: '2023-01-01 23:59' }],
      generation: 0,
    },
  }),
  createEvent('task.finished', {
    runId,
    taskId,
    producer: 'worker',
    data: {
      attempt: 1,
      workerId: 'w',
      finishedAt: new Date().toISOString(),
      durationMs: 3,
      summary: { cables: 1 },
      resultRows: 1,
      generation: 0,
    },
  }),
  createNotification('run.progress', {
    runId,
    producer: 'poller',
    data: {
      status: 'RUNNING',
      counts: { total: 1, queued: 1, started: 0, finished: 0, failed: 0, cancelled: 0 },
      percent: 0,
      tasksPerSecond: 0,
      etaSeconds: null,
      stalledTaskIds: [],
    },
  }),
  {
    run_id: runId,
    task_id: taskId,
    selection: '1',
    start_date: '2023-01-01 00:00',
    end_date: '2023-01-01 23:59',
    topology_id: 'topo-1',
    calculation: 'grid-load',
    generation: 0,
  },
  {
    run_id: runId,
    topology_id: 'topo-1',
    calculation: 'noop',
    generation: 0,
    tasks: [
      { task_id: taskId, selection: '1', start_date: '2023-01-01 00:00', end_date: '2023-01-01 23:59' },
      { task_id: taskId, selection: '2', start_date: '2023-01-01 00:00', end_date: '2023-01-01 23:59' },
    ],
  },
];

const parsers = { parseEvent, parseNotification, parseTask, parseTaskPayload };

/** Every parser on the bytes: each answers a value, or a non-empty reason of bounded length. */
function checkAll(content: Buffer): void {
  for (const parse of Object.values(parsers)) {
    let parsed: Parsed<unknown>;
    try {
      parsed = parse(content);
    } catch (error) {
      throw new Error(`${parse.name} threw on ${content.toString('utf8').slice(0, 200)}`, { cause: error });
    }
    if (!parsed.ok) {
      expect(parsed.reason.length).toBeGreaterThan(0);
      expect(parsed.reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
    } else {
      // What is accepted can be stored and sent on (the poller writes `data` as JSON).
      expect(() => JSON.stringify(parsed.value)).not.toThrow();
    }
  }
}

/** The value with the leaf (or branch) at `index`, in depth-first order, replaced. */
function replaceAt(value: unknown, index: number, replacement: unknown): unknown {
  let seen = 0;
  const walk = (here: unknown): unknown => {
    if (seen++ === index) return replacement;
    if (Array.isArray(here)) return here.map(walk);
    if (here && typeof here === 'object')
      return Object.fromEntries(Object.entries(here).map(([key, child]) => [key, walk(child)]));
    return here;
  };
  return walk(value);
}

const hostile = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'x'.repeat(200_000),
    -0,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '2023-02-30 00:00',
    '0000-00-00 00:00',
    '\u0000',
    '\ud800',
  ),
);

describe('the message parsers under random and hostile input', () => {
  it('answer a reason for random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => checkAll(Buffer.from(bytes))));
  });

  it('answer a reason for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => checkAll(Buffer.from(JSON.stringify(json) ?? 'null'))));
  });

  it('answer a value or a reason when any part of a valid message is replaced by hostile input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(60), hostile, (sample, index, replacement) =>
        checkAll(Buffer.from(JSON.stringify(replaceAt(sample, index, replacement)) ?? 'null')),
      ),
      { numRuns: 500 },
    );
  });

  it('answer a reason for prototype keys, deep nesting, a type of 200 kB and a message over the size limit', () => {
    const envelope = samples[0] as Record<string, unknown>;
    for (const text of [
      `{"__proto__": {"type": "run.requested"}, "constructor": 1, ${JSON.stringify(envelope).slice(1)}`,
      JSON.stringify({ ...envelope, type: '__proto__' }),
      JSON.stringify({ ...envelope, type: 'constructor' }),
      JSON.stringify({ ...envelope, type: 'x'.repeat(200_000) }),
      `${JSON.stringify(envelope).slice(0, -1)}, "data": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      JSON.stringify(samples[2]).replace(
        '"summary":{',
        `"summary":{"deep":${'['.repeat(5_000)}${']'.repeat(5_000)},`,
      ),
      `${'['.repeat(500_000)}${']'.repeat(500_000)}`,
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      ' '.repeat(1024 * 1024 + 1),
    ])
      checkAll(Buffer.from(text));
  });

  it('keep accepting the valid messages they were given', () => {
    expect(parseEvent(Buffer.from(JSON.stringify(samples[0]))).ok).toBe(true);
    expect(parseNotification(Buffer.from(JSON.stringify(samples[3]))).ok).toBe(true);
    expect(parseTask(Buffer.from(JSON.stringify(samples[4]))).ok).toBe(true);
    expect(parseTaskPayload(Buffer.from(JSON.stringify(samples[4]))).ok).toBe(true);
    expect(parseTaskPayload(Buffer.from(JSON.stringify(samples[5]))).ok).toBe(true);
  });
});
