export { createDatabase } from './database.js';
export type { Database } from './database.js';
export { migrate, migrationsFolder } from './migrate.js';
export { runEvents, runProcess, runs, taskResults, topologies } from './schema.js';
export { appendEvents, projectEvents, recordEvents } from './projections/record-events.js';
export { rebuildProjections } from './projections/rebuild.js';
export { evolveRun, emptyRun } from './projections/run-row.js';
export type { RunRow } from './projections/run-row.js';
export { evolveQueued, evolveTask, emptyTask } from './projections/task-row.js';
export type { TaskRow } from './projections/task-row.js';
export {
  getRun,
  getRunRequest,
  getRunStatus,
  hasEvent,
  listRunEvents,
  listRuns,
} from './queries/run-queries.js';
export type { Run } from './queries/run-queries.js';
export {
  countTasksByStatus,
  findStalledTasks,
  getTask,
  listFailedTasks,
  listTasks,
  recordHeartbeats,
} from './queries/task-queries.js';
export type { Task } from './queries/task-queries.js';
export {
  claimCompletion,
  findCompletableRuns,
  findUnpublishedCompletions,
  markCompletionPublished,
} from './queries/completion-queries.js';
export type { Completion } from './queries/completion-queries.js';
export { findTopologyByHash, getTopology, loadTopology, saveTopology } from './queries/topology-queries.js';
export { streamTaskResults, summarizeResults, writeTaskResults } from './queries/result-queries.js';
export type { ResultRow } from './queries/result-queries.js';
