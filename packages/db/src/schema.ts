import { sql } from 'drizzle-orm';
import type { PartitionStats } from '@conveyor/grid';
import type { RunStatus, TaskStatus } from '@conveyor/messages';
import {
  bigint,
  boolean,
  char,
  customType,
  datetime,
  double,
  index,
  int,
  mysqlTable,
  text,
  varchar,
} from 'drizzle-orm/mysql-core';

const mediumblob = customType<{ data: Buffer }>({ dataType: () => 'mediumblob' });
/**
 * JSON that reads back as a value on MySQL 8 and on MariaDB alike (MariaDB's JSON is text, which
 * drizzle's own json column hands back as a string).
 */
const jsonValue = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'json',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T)),
  })(name);

/** Ids compared and ordered byte for byte ('B' ≠ 'b', '10' < '2'), as the results CSV orders them. */
const binaryId = customType<{ data: string; driverData: string }>({
  dataType: () => 'varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
});

/** The event store, append-only. `position` is the global order of recording. */
export const runEvents = mysqlTable(
  'run_events',
  {
    position: bigint('position', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    eventId: char('event_id', { length: 36 }).notNull().unique(),
    type: varchar('type', { length: 64 }).notNull(),
    version: int('version').notNull(),
    runId: char('run_id', { length: 36 }).notNull(),
    taskId: char('task_id', { length: 36 }),
    producer: varchar('producer', { length: 64 }).notNull(),
    occurredAt: datetime('occurred_at', { mode: 'string', fsp: 3 }).notNull(),
    recordedAt: datetime('recorded_at', { mode: 'string', fsp: 3 })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(3)`),
    data: jsonValue<unknown>('data').notNull(),
  },
  (t) => [
    index('run_events_run_position').on(t.runId, t.position),
    index('run_events_run_type').on(t.runId, t.type),
  ],
);

/**
 * Projection: one row per run. The `*_key` columns hold the ordering key of the event that set the
 * columns after them, so that merging events in any order gives the same row.
 */
export const runs = mysqlTable(
  'runs',
  {
    id: char('id', { length: 36 }).primaryKey(),
    status: varchar('status', { length: 20 }).$type<RunStatus>().notNull(),
    statusKey: varchar('status_key', { length: 96 }).notNull(),
    windowStart: varchar('window_start', { length: 16 }),
    windowEnd: varchar('window_end', { length: 16 }),
    chunk: varchar('chunk', { length: 8 }),
    selections: jsonValue<string[] | null>('selections'),
    topologySource: varchar('topology_source', { length: 1024 }),
    calculation: varchar('calculation', { length: 64 }),
    requestedBy: varchar('requested_by', { length: 128 }),
    requestedAt: datetime('requested_at', { mode: 'string', fsp: 3 }),
    topologyId: varchar('topology_id', { length: 64 }),
    taskCount: int('task_count'),
    generation: int('generation').notNull().default(0),
    plannedCount: int('planned_count'),
    startedAt: datetime('started_at', { mode: 'string', fsp: 3 }),
    completedAt: datetime('completed_at', { mode: 'string', fsp: 3 }),
    reason: text('reason'),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** The last generation whose completion was claimed (by a poller) or recorded (run.completed). */
    completedGeneration: int('completed_generation'),
    completionPublished: boolean('completion_published').notNull().default(false),
    /** Ordering keys of the events that set `reason` and `topology_id`. */
    reasonKey: varchar('reason_key', { length: 96 }).notNull().default(''),
    topologyKey: varchar('topology_key', { length: 96 }).notNull().default(''),
    /**
     * The run's `run_process` rows by status, kept by the transaction that writes the rows (one
     * primary-key read instead of a GROUP BY over the run's tasks: constant at any run size).
     */
    queuedCount: int('queued_count').notNull().default(0),
    startedCount: int('started_count').notNull().default(0),
    finishedCount: int('finished_count').notNull().default(0),
    failedCount: int('failed_count').notNull().default(0),
    cancelledCount: int('cancelled_count').notNull().default(0),
  },
  (t) => [index('runs_status').on(t.status, t.id)],
);

/** Projection: the seed's process table, one row per task. */
export const runProcess = mysqlTable(
  'run_process',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    runId: char('run_id', { length: 36 }).notNull(),
    taskId: char('task_id', { length: 36 }).notNull().unique(),
    selection: binaryId('selection'),
    startDate: varchar('start_date', { length: 16 }),
    endDate: varchar('end_date', { length: 16 }),
    taskStatus: varchar('task_status', { length: 16 }).$type<TaskStatus>().notNull(),
    statusKey: varchar('status_key', { length: 128 }).notNull(),
    generation: int('generation').notNull().default(0),
    attempt: int('attempt').notNull().default(0),
    workerId: varchar('worker_id', { length: 128 }),
    queuedAt: datetime('queued_at', { mode: 'string', fsp: 3 }),
    queuedKey: varchar('queued_key', { length: 96 }),
    startedAt: datetime('started_at', { mode: 'string', fsp: 3 }),
    startedKey: varchar('started_key', { length: 128 }),
    finishedAt: datetime('finished_at', { mode: 'string', fsp: 3 }),
    durationMs: double('duration_ms'),
    error: text('error'),
    summary: jsonValue<Record<string, unknown> | null>('summary'),
    /** The calculation plug-in's version that finished the task (from task.finished). */
    calculationVersion: varchar('calculation_version', { length: 64 }),
    /** The task of an earlier run whose result partition this one took (`reuse`, from task.finished); else NULL. */
    reusedFrom: char('reused_from', { length: 36 }),
    lastHeartbeatAt: datetime('last_heartbeat_at', { mode: 'string', fsp: 3 }),
  },
  (t) => [
    index('run_process_run_status').on(t.runId, t.taskStatus),
    index('run_process_stalled').on(t.taskStatus, t.startedAt),
    index('run_process_run_finished').on(t.runId, t.finishedAt),
  ],
);

/** Topology snapshots, deduplicated by content hash; `data` is the gzipped topology JSON. */
export const topologies = mysqlTable(
  'topologies',
  {
    id: varchar('id', { length: 64 }).primaryKey(),
    contentHash: char('content_hash', { length: 64 }).notNull().unique(),
    source: varchar('source', { length: 1024 }).notNull(),
    /**
     * What identified the source before it was built (`topologySourceKey`: the synthetic parameters, or
     * a file's content hash), so that the same source is not generated, validated and hashed again.
     */
    sourceKey: varchar('source_key', { length: 128 }),
    selections: jsonValue<string[]>('selections').notNull(),
    /**
     * Selection id → the content hash of its own part of the topology (`selectionHashes`), for `reuse`;
     * NULL for snapshots stored before it existed (their tasks are never reused).
     */
    selectionHashes: jsonValue<Record<string, string> | null>('selection_hashes'),
    nodeCount: int('node_count').notNull(),
    data: mediumblob('data').notNull(),
    createdAt: datetime('created_at', { mode: 'string', fsp: 3 })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [index('topologies_source_key').on(t.sourceKey)],
);

/**
 * The exported output as one result partition per task (DESIGN §3): the task's rows (the columns of
 * the results CSV) encoded and compressed in `data` (`encodePartition` of @conveyor/grid), with
 * `stats` (its summary and overloaded cables) beside them for summaries and the overload report.
 */
export const taskResults = mysqlTable(
  'task_results',
  {
    taskId: char('task_id', { length: 36 }).primaryKey(),
    runId: char('run_id', { length: 36 }).notNull(),
    selection: binaryId('selection').notNull(),
    startDate: varchar('start_date', { length: 16 }).notNull(),
    endDate: varchar('end_date', { length: 16 }).notNull(),
    rowCount: int('row_count').notNull(),
    stats: jsonValue<PartitionStats>('stats').notNull(),
    data: mediumblob('data').notNull(),
    /** The selection's content hash in the task's topology (NULL when unknown): what `reuse` looks up. */
    selectionHash: char('selection_hash', { length: 64 }),
    /**
     * How many times the partition was written (1 by the first write, +1 by each later one): what the
     * fault suite reads to tell a task computed once from one computed again after a redelivery.
     */
    writes: int('writes').notNull().default(1),
  },
  (t) => [
    index('task_results_export').on(t.runId, t.selection, t.startDate),
    // `findReusableResult`: the partitions of equal cells across runs, without a scan.
    index('task_results_reuse').on(t.selectionHash, t.startDate, t.endDate),
  ],
);
