import { describe, expect, it, vi } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { MAX_MESSAGE_BYTES, PermanentError, type ConveyorEvent, type TaskMessage } from '@conveyor/messages';
import { createLogger } from '@conveyor/runtime';
import type { LoadedCalculation } from '../calculations/calculation.js';
import { handleTask, type TaskDeps } from './task.js';

const task: TaskMessage = {
  run_id: uuidv4(),
  task_id: uuidv4(),
  selection: '1',
  start_date: '2025-01-01 00:00',
  end_date: '2025-01-01 23:59',
  topology_id: 'topo-1',
  calculation: 'huge',
  generation: 0,
};

/** A worker's handler over in-memory stand-ins for the broker and the database (no I/O involved). */
function depsFor(calculation: LoadedCalculation) {
  const published: ConveyorEvent[] = [];
  const written: string[] = [];
  const deps: TaskDeps = {
    workerId: 'w-1',
    calculations: new Map([[calculation.name, calculation]]),
    publishEvent: async (event) => void published.push(event),
    publishNotification: async () => undefined,
    isRunCancelled: async () => false,
    loadTopology: async () => ({}),
    runInThread: () => Promise.reject(new Error('no thread pool in this test')),
    writeResults: async (result) => void written.push(result.taskId),
    selectionHash: async () => null,
    reuse: { find: async () => undefined, copy: async () => false },
    heartbeatMs: 60_000,
    startedAfterMs: 0,
    logger: createLogger({ service: 'test', level: 'silent' }),
    now: () => new Date(),
    onTaskDone: () => undefined,
  };
  return { deps, published, written };
}

const context = {
  attempt: 1,
  redelivered: false,
  signal: new AbortController().signal,
  releaseSlot: () => undefined,
};

describe('handleTask', () => {
  it('fails a task for good when its summary would make task.finished over 1 MiB', async () => {
    const { deps, published, written } = depsFor({
      name: 'huge',
      version: '1',
      run: async () => ({ summary: { blob: 'b'.repeat(MAX_MESSAGE_BYTES) } }),
    });
    const handled = handleTask(task, context, deps);
    await expect(handled).rejects.toThrow(PermanentError);
    await expect(handled).rejects.toThrow(/^summary over 1 MiB: the calculation's summary is \d+ bytes/);
    expect(published.map((event) => event.type)).not.toContain('task.finished');
    expect(written).toEqual([]);
  });

  it('finishes a task whose summary fits', async () => {
    const { deps, published } = depsFor({
      name: 'huge',
      version: '1',
      run: async () => ({ summary: { blob: 'b'.repeat(1000) } }),
    });
    await handleTask(task, context, deps);
    expect(published.map((event) => event.type)).toContain('task.finished');
  });

  describe('task.started', () => {
    const quick: LoadedCalculation = { name: 'huge', version: '1', run: async () => ({ summary: {} }) };

    it('is published for every task, before task.finished, with WORKER_STARTED_AFTER_MS=0', async () => {
      const { deps, published } = depsFor(quick);
      await handleTask(task, context, deps);
      expect(published.map((event) => event.type)).toEqual(['task.started', 'task.finished']);
    });

    it('is not published for a task done before WORKER_STARTED_AFTER_MS', async () => {
      const { deps, published } = depsFor(quick);
      deps.startedAfterMs = 3_600_000;
      await handleTask(task, context, deps);
      expect(published.map((event) => event.type)).toEqual(['task.finished']);
    });

    it('is published for a task still running after WORKER_STARTED_AFTER_MS, with its start time', async () => {
      let announced: () => void = () => undefined;
      const startedSeen = new Promise<void>((resolve) => (announced = resolve));
      const { deps, published } = depsFor({
        name: 'huge',
        version: '1',
        // Runs until its task.started is out.
        run: async () => {
          await startedSeen;
          return { summary: {} };
        },
      });
      deps.startedAfterMs = 1;
      deps.publishEvent = async (event) => {
        published.push(event);
        if (event.type === 'task.started') announced();
      };
      const before = new Date();
      await handleTask(task, context, deps);
      expect(published.map((event) => event.type)).toEqual(['task.started', 'task.finished']);
      const started = published[0]!;
      expect(started.type === 'task.started' && Date.parse(started.data.startedAt)).toBeGreaterThanOrEqual(
        before.getTime(),
      );
    });

    it('is never published for a failed attempt that ended before it was due', async () => {
      const { deps, published } = depsFor({
        name: 'huge',
        version: '1',
        run: async () => {
          throw new PermanentError('bad input');
        },
      });
      deps.startedAfterMs = 1000;
      vi.useFakeTimers();
      try {
        await expect(handleTask(task, context, deps)).rejects.toThrow('bad input');
        vi.advanceTimersByTime(60_000); // ms: long past the moment its start was due
      } finally {
        vi.useRealTimers();
      }
      expect(published).toEqual([]);
    });
  });

  describe('with reuse', () => {
    const earlier = { taskId: uuidv4(), runId: uuidv4(), rowCount: 12, summary: { maxUtilization: 0.5 } };
    const reuseTask: TaskMessage = { ...task, calculation: 'counted', reuse: true };

    function reuseDeps(copies: boolean) {
      const computed: string[] = [];
      const setup = depsFor({
        name: 'counted',
        version: '2',
        run: async (t) => {
          computed.push(t.task_id);
          return { summary: { computed: true } };
        },
      });
      setup.deps.selectionHash = async () => 'h'.repeat(64);
      setup.deps.reuse = { find: async () => earlier, copy: async () => copies };
      return { ...setup, computed };
    }

    it('takes the earlier task’s partition and summary without computing: task.finished names it', async () => {
      const { deps, published, computed } = reuseDeps(true);
      await handleTask(reuseTask, context, deps);
      expect(computed).toEqual([]);
      expect(published.map((event) => event.type)).toEqual(['task.finished']);
      expect(published[0]).toMatchObject({
        data: {
          reusedFrom: earlier.taskId,
          summary: earlier.summary,
          resultRows: 12,
          calculationVersion: '2',
        },
      });
    });

    it('computes when the earlier partition cannot be copied, or the task does not ask for reuse', async () => {
      for (const [message, copies] of [
        [reuseTask, false],
        [{ ...reuseTask, reuse: undefined }, true],
      ] as const) {
        const { deps, published, computed } = reuseDeps(copies);
        await handleTask(message, context, deps);
        expect(computed).toEqual([message.task_id]);
        const finished = published.find((event) => event.type === 'task.finished');
        expect(finished?.type === 'task.finished' && finished.data.reusedFrom).toBeUndefined();
      }
    });
  });
});
