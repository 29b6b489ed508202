export { TopologyFormatError, parseTopology } from './topology-format.js';
export type { CableJson, NodeJson, Profile, SubstationJson, TopologyJson } from './topology-format.js';
export { buildTopology, formatProblems, selectionsOf } from './build-topology.js';
export type {
  BuiltNode,
  BuiltSubstation,
  BuiltTopology,
  TopologyProblem,
  TopologyRule,
} from './build-topology.js';
export { selectionHashes } from './selection-hash.js';
export { generateSynthetic } from './synthetic.js';
export type { SyntheticParams } from './synthetic.js';
export {
  InvalidSourceError,
  TopologyTooLargeError,
  contentHash,
  loadTopologySource,
  parseSource,
  topologySourceKey,
} from './source.js';
export type { TopologyLimits, TopologySource } from './source.js';
export { InvalidDateError, formatTaskDate, parseTaskDate } from './dates.js';
export { CHUNKS, InvalidChunkError, countWindowPieces, parseWindow, planTasks, splitWindow } from './plan.js';
export type { Chunk, PlannedTask, WindowPiece } from './plan.js';
export { validateRunRequest } from './run-request.js';
export type { RunRequestInput, RunRequestProblem } from './run-request.js';
export { calculateTask, calculateTaskPartition, compileSelection, intervalFactors } from './kernel.js';
export type { CableResult, CompiledSelection, TaskResult, TaskSummary } from './kernel.js';
export {
  InvalidPartitionError,
  PARTITION_VERSION,
  allocatePartition,
  decodePartition,
  encodePartition,
  partitionMinutes,
  partitionOfRows,
  rowsOfPartition,
} from './partition.js';
export type { Partition } from './partition.js';
export {
  encodeTaskResult,
  partitionDigest,
  partitionStats,
  rankOverloads,
  summarizePartitions,
  summaryOfPartition,
} from './partition-stats.js';
export type {
  EncodedTaskResult,
  OverloadEntry,
  OverloadedCable,
  PartitionHead,
  PartitionStats,
  RunResultSummary,
} from './partition-stats.js';
export { calculateTaskReference } from './reference.js';
export {
  RESULT_CSV_HEADER,
  compareResultRows,
  formatPartitionCsv,
  formatResultRow,
  resultRowsOf,
  sortResultRows,
  writeResultsCsv,
} from './results-csv.js';
export type { ResultRow } from './results-csv.js';
export { PARQUET_ROW_GROUP_ROWS, writeResultsParquet } from './results-parquet.js';
export { createGridLoadThread, shareTopology } from './grid-load-thread.js';
export type { GridLoadThreadResult, GridLoadThreadTask } from './grid-load-thread.js';
export { MonolithInputError, runMonolith } from './monolith.js';
export type { MonolithSummary } from './monolith.js';
export { netLoadKw } from './load-model.js';
export { compareCells, diffPartitions, pairCells } from './compare-partitions.js';
export type { Cell, CellHead, CellPairs, ElementChange, ElementFigures } from './compare-partitions.js';
export { COMPARISON_LARGEST, COMPARISON_LISTED, createComparison } from './run-comparison.js';
export type { ComparisonBuilder, RunComparison } from './run-comparison.js';
