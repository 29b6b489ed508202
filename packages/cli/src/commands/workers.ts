// `conveyor workers`: the workers the gateway hears of (worker.heartbeat), as a table or JSON.
import { parseCommandArgs as parse } from '../arguments.js';
import type { Command } from '../registry.js';
import { formatTable } from '../table.js';
import { client, FORMAT_OPTIONS, guarded, outputFormat } from './run-commands.js';

const WORKERS = `query($gone: Boolean) { workers(includeGone: $gone) {
  id host version slots busySlots tasksDone tasksPerSecond alive stopped startedAt lastSeenAt
  calculations { name version } } }`;

export type WorkerRow = {
  id: string;
  host: string;
  version: string;
  slots: number;
  busySlots: number;
  tasksDone: number;
  tasksPerSecond: number;
  alive: boolean;
  stopped: boolean;
  startedAt: string;
  lastSeenAt: string;
  calculations: { name: string; version: string }[];
};

/** One line per worker, the columns aligned to their widest value. */
export function formatWorkers(workers: WorkerRow[], now: number): string {
  if (workers.length === 0) return 'no live worker has announced itself\n';
  const rows = workers.map((w) => [
    w.id,
    w.host,
    w.alive ? 'alive' : w.stopped ? 'stopped' : 'gone',
    `${w.busySlots}/${w.slots}`,
    w.tasksPerSecond.toFixed(1),
    String(w.tasksDone),
    `${Math.max(0, Math.round((now - Date.parse(w.lastSeenAt)) / 1000))} s ago`,
    w.calculations.map((c) => `${c.name}@${c.version}`).join(','),
  ]);
  const header = ['WORKER', 'HOST', 'STATUS', 'BUSY', 'TASKS/S', 'DONE', 'LAST SEEN', 'CALCULATIONS'];
  return formatTable(header, rows);
}

export const workersCommand: Command = {
  summary: 'list the live workers: status, busy slots, tasks/s, last seen, calculations [--all] [--json]',
  run: guarded(async (args) => {
    const { values } = parse({
      args,
      options: { all: { type: 'boolean', default: false }, ...FORMAT_OPTIONS },
    });
    const format = outputFormat(values);
    const { workers } = await client().request<{ workers: WorkerRow[] }>(WORKERS, { gone: values.all });
    process.stdout.write(
      format === 'json' ? `${JSON.stringify(workers, null, 2)}\n` : formatWorkers(workers, Date.now()),
    );
    return 0;
  }),
};
