export { createDatabase } from './database.js';
export type { Database } from './database.js';
export { migrate, migrationsFolder } from './migrate.js';
export { datetimeIso, datetimeMs, toDatetime } from './datetime.js';
export { runEvents, runProcess, runs, taskResults, topologies } from './schema.js';

export { appendEvents, projectEvents, recordEvents } from './projections/record-events.js';
export { rebuildProjections } from './projections/rebuild.js';
export { emptyRun, evolveRun, hasCompleted } from './projections/run-row.js';
export type { RunRow } from './projections/run-row.js';
export { emptyTask, evolveQueued, evolveTask } from './projections/task-row.js';
export type { TaskRow } from './projections/task-row.js';

export { getRun } from './queries/get-run.js';
export type { Run } from './queries/get-run.js';
export { getRunStatus } from './queries/get-run-status.js';
export { getRunRequest } from './queries/get-run-request.js';
export { listRuns } from './queries/list-runs.js';
export { hasEvent } from './queries/has-event.js';
export { listRunEvents } from './queries/list-run-events.js';

export { getTask } from './queries/get-task.js';
export type { Task } from './queries/get-task.js';
export { listTasks } from './queries/list-tasks.js';
export { countTasksByStatus, taskCountsOf } from './queries/count-tasks-by-status.js';
export { countTasksDoneBetween } from './queries/count-tasks-done-between.js';
export { readRunProgress } from './queries/read-run-progress.js';
export { listFailedTasks } from './queries/list-failed-tasks.js';
export { listCellTasks, type CellChoice } from './queries/list-cell-tasks.js';
export { findRetryPlan } from './queries/find-retry-plan.js';
export { recordHeartbeats } from './queries/record-heartbeats.js';
export { findStalledTasks } from './queries/find-stalled-tasks.js';

export type { Completion } from './queries/completion.js';
export { findCompletableRuns } from './queries/find-completable-runs.js';
export { claimCompletion } from './queries/claim-completion.js';
export { findUnpublishedCompletions } from './queries/find-unpublished-completions.js';
export { findUnpublishedCancellations } from './queries/find-unpublished-cancellations.js';
export { markCompletionPublished } from './queries/mark-completion-published.js';

export { saveTopology } from './queries/save-topology.js';
export { findTopologyByHash } from './queries/find-topology-by-hash.js';
export { findTopologyBySource } from './queries/find-topology-by-source.js';
export { getTopology } from './queries/get-topology.js';
export { loadTopology } from './queries/load-topology.js';
export { getSelectionHashes } from './queries/get-selection-hashes.js';

export { writeTaskResults } from './queries/write-task-results.js';
export type { TaskPartition } from './queries/write-task-results.js';
export { findReusableResult } from './queries/find-reusable-result.js';
export type { ReusableResult } from './queries/find-reusable-result.js';
export { copyTaskResult } from './queries/copy-task-result.js';
export { countReusedTasks } from './queries/count-reused-tasks.js';
export { streamTaskResults } from './queries/stream-task-results.js';
export { summarizeResults } from './queries/summarize-results.js';
export { listPartitionHeads } from './queries/list-partition-heads.js';
export { listOverloads } from './queries/list-overloads.js';
export { getTaskOverloads } from './queries/get-task-overloads.js';
export type { RankedOverload } from './queries/list-overloads.js';
export { compareRuns } from './queries/compare-runs.js';
