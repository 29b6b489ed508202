import { createHash } from 'node:crypto';
import { formatTaskDate } from './dates.js';
import type { TaskSummary } from './kernel.js';
import { encodePartition, type Partition } from './partition.js';

/** A cable overloaded in at least one interval of a task, with its peak. */
export type OverloadedCable = {
  cableId: string;
  capacityKw: number; // kW
  peakKw: number; // kW
  peakAt: string; // YYYY-MM-DD HH:mm, UTC
  utilization: number;
  overloadedIntervals: number;
};

/**
 * A partition's `stats` JSON (DESIGN §3): the task's summary and its overloaded cables, most
 * utilized first — what run summaries and the overload report read instead of the data.
 */
export type PartitionStats = {
  summary: TaskSummary;
  overloaded: OverloadedCable[];
  /**
   * SHA-256 (hex) of the partition's rows: two cells with the same digest hold the same figures, so
   * compareRuns decodes only cells whose digests differ. Absent from partitions written before it.
   */
  digest?: string;
};

/** Highest utilization first, then cable id: the overload report's order. */
function byUtilization(a: OverloadedCable, b: OverloadedCable): number {
  return b.utilization - a.utilization || (a.cableId < b.cableId ? -1 : a.cableId > b.cableId ? 1 : 0);
}

export function partitionStats(partition: Partition, summary: TaskSummary): PartitionStats {
  const overloaded: OverloadedCable[] = [];
  for (let i = 0; i < partition.cableIds.length; i++) {
    if (partition.overloadedIntervals[i] === 0) continue;
    overloaded.push({
      cableId: partition.cableIds[i]!,
      capacityKw: partition.capacityKw[i]!,
      peakKw: partition.peakKw[i]!,
      peakAt: formatTaskDate(partition.peakAt[i]! * 60_000),
      utilization: partition.utilization[i]!,
      overloadedIntervals: partition.overloadedIntervals[i]!,
    });
  }
  return { summary, overloaded: overloaded.sort(byUtilization), digest: partitionDigest(partition) };
}

/**
 * The digest of a partition's rows — cable ids and the bytes of every column — whatever their
 * compression; the task's selection and window are the cell's key and not part of it.
 */
export function partitionDigest(partition: Partition): string {
  const hash = createHash('sha256');
  for (const cableId of partition.cableIds) hash.update(`${cableId.length}:${cableId}`); // length first: ids may hold any character
  for (const column of [
    partition.capacityKw,
    partition.peakKw,
    partition.peakAt,
    partition.utilization,
    partition.overloadedIntervals,
    partition.energyKwh,
  ])
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  return hash.digest('hex');
}

/** A task's result as a worker stores it: the encoded partition, its row count and its stats. */
export type EncodedTaskResult = { data: Uint8Array; rowCount: number; stats: PartitionStats };

/**
 * The summary of a task computed from its rows alone, for calculations that have no other: every row
 * counts towards `energyKwh` (the grid kernel counts only the cables leaving the substation).
 */
export function summaryOfPartition(partition: Partition): TaskSummary {
  const summary: TaskSummary = {
    cables: partition.cableIds.length,
    maxUtilization: 0,
    overloadedCables: 0,
    energyKwh: 0,
  };
  for (let i = 0; i < partition.cableIds.length; i++) {
    summary.maxUtilization = Math.max(summary.maxUtilization, partition.utilization[i]!);
    if (partition.overloadedIntervals[i]! > 0) summary.overloadedCables++;
    summary.energyKwh += partition.energyKwh[i]!;
  }
  return summary;
}

/** Encodes a task's partition with its stats (`summary`: the task's own, else `summaryOfPartition`). */
export function encodeTaskResult(partition: Partition, summary?: TaskSummary): EncodedTaskResult {
  return {
    data: encodePartition(partition),
    rowCount: partition.cableIds.length,
    stats: partitionStats(partition, summary ?? summaryOfPartition(partition)),
  };
}

/** What a stored partition tells without its data: its row of `task_results` less `data`. */
export type PartitionHead = {
  selection: string;
  startDate: string;
  endDate: string;
  rowCount: number;
  stats: PartitionStats;
};

export type RunResultSummary = {
  rows: number;
  /** Distinct cables with results: cable ids are unique in a topology, so Σ over selections. */
  cables: number;
  /** Distinct cables overloaded in at least one interval of any task. */
  overloadedCables: number;
  maxUtilization: number | null;
  energyKwh: number | null; // kWh, Σ of the tasks' energy through the cables leaving their substation
};

/** A run's result summary from its partitions' heads, in any order. */
export function summarizePartitions(heads: Iterable<PartitionHead>): RunResultSummary {
  const cablesBySelection = new Map<string, number>();
  const overloaded = new Set<string>();
  const summary: RunResultSummary = {
    rows: 0,
    cables: 0,
    overloadedCables: 0,
    maxUtilization: null,
    energyKwh: null,
  };
  for (const head of heads) {
    summary.rows += head.rowCount;
    if (head.rowCount === 0) continue;
    const { stats } = head;
    cablesBySelection.set(
      head.selection,
      Math.max(cablesBySelection.get(head.selection) ?? 0, stats.summary.cables),
    );
    for (const cable of stats.overloaded) overloaded.add(cable.cableId);
    summary.maxUtilization = Math.max(summary.maxUtilization ?? -Infinity, stats.summary.maxUtilization);
    summary.energyKwh = (summary.energyKwh ?? 0) + stats.summary.energyKwh;
  }
  for (const cables of cablesBySelection.values()) summary.cables += cables;
  summary.overloadedCables = overloaded.size;
  return summary;
}

export type OverloadEntry = OverloadedCable & { selection: string; startDate: string; endDate: string };

/**
 * Every overloaded cable of every task, most utilized first (then selection, start date, cable
 * id, so that pages are stable).
 */
export function rankOverloads(heads: Iterable<PartitionHead>): OverloadEntry[] {
  const entries: OverloadEntry[] = [];
  for (const { selection, startDate, endDate, stats } of heads) {
    for (const cable of stats.overloaded) entries.push({ ...cable, selection, startDate, endDate });
  }
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (a, b) =>
      b.utilization - a.utilization ||
      text(a.selection, b.selection) ||
      text(a.startDate, b.startDate) ||
      text(a.cableId, b.cableId),
  );
}
