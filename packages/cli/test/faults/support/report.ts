// Vitest global setup of the fault suite: starts an empty report, prints it as a table at the end.
import { readFile, rm } from 'node:fs/promises';
import { REPORT_FILE, type FaultReportRow } from './report-file.js';

export async function setup() {
  await rm(REPORT_FILE, { force: true });
}

export async function teardown() {
  const text = await readFile(REPORT_FILE, 'utf8').catch(() => '');
  const rows = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FaultReportRow);
  if (rows.length === 0) return;
  const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const table = [
    '| fault injected | runs | tasks | lost | duplicated | time to recover | to terminal state | outcome |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.fault} | ${row.runs} | ${row.tasks} | ${row.lost} | ${row.duplicated} | ${seconds(row.recoveryMs)} | ${seconds(row.terminalMs ?? null)} | ${row.outcome} |`,
    ),
  ].join('\n');
  process.stdout.write(`\nFault-injection report (${REPORT_FILE}):\n\n${table}\n\n`);
}
