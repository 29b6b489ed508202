import { writeFile } from 'node:fs/promises';
import { MonolithInputError, runMonolith, writeResultsCsv } from '@conveyor/grid';
import { parseCommandArgs, parseRunArguments, RUN_OPTIONS } from '../arguments.js';
import { createLoopProgress, createProgressView } from '../progress.js';
import type { Command } from '../registry.js';
import { loadCommandSource } from '../source.js';
import { UsageError } from '../usage-error.js';

const USAGE =
  'usage: conveyor monolith --topology <file:PATH|synthetic:…> --from "YYYY-MM-DD HH:mm" --to "YYYY-MM-DD HH:mm" [--chunk none|day|week|month] [--selections a,b] --out FILE.csv';

export const monolithCommand: Command = {
  summary: 'build → plan → for-loop → CSV in one process (no broker, no database)',
  run: async (args) => {
    const { values } = parseCommandArgs(
      { args, options: { ...RUN_OPTIONS, out: { type: 'string' } } },
      USAGE,
    );
    if (!values.topology || !values.out) throw new UsageError(`--topology and --out are required\n${USAGE}`);
    const request = parseRunArguments(values, USAGE);
    const started = performance.now();
    const loaded = await loadCommandSource(values.topology);
    if (!loaded.ok) {
      process.stderr.write(`${loaded.message}\n`);
      return 1;
    }

    const view = createProgressView('monolith');
    const progressOf = createLoopProgress();
    let result;
    try {
      result = runMonolith(loaded.json, request, (done, total) => view.show(progressOf(done, total)));
    } catch (error) {
      if (!(error instanceof MonolithInputError)) throw error;
      // Unknown selections are a bad argument (exit 2); an invalid topology is bad input (exit 1).
      if (error.details.kind === 'unknown-selections') throw new UsageError(error.message);
      process.stderr.write(`${values.topology}: ${error.message}\n`);
      return 1;
    } finally {
      view.stop();
    }
    await writeFile(values.out, writeResultsCsv(result.rows));
    const elapsed = (performance.now() - started) / 1000;
    const s = result.summary;
    process.stdout.write(
      [
        `tasks:             ${s.tasks}`,
        `cables:            ${s.cables}`,
        `overloaded cables: ${s.overloadedCables}`,
        `max utilization:   ${s.maxUtilization.toFixed(3)}`,
        `elapsed:           ${elapsed.toFixed(2)} s`,
        `results:           ${values.out} (${result.rows.length} rows)`,
      ].join('\n') + '\n',
    );
    return 0;
  },
};
