import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the fault tests write their report rows (JSON lines). */
export const REPORT_FILE = process.env.FAULTS_REPORT ?? join(tmpdir(), 'conveyor-faults-report.jsonl');

export type FaultReportRow = {
  fault: string;
  runs: number;
  tasks: number;
  lost: number;
  duplicated: number;
  /** Time to recover (ms): from the end of the fault to the next task finished; null: not applicable. */
  recoveryMs: number | null;
  /** From the end of the fault to the run's terminal state (ms; 0: it ended first); null: not applicable. */
  terminalMs: number | null;
  outcome: string;
};
