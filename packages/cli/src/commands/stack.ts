import { migrate } from '@conveyor/db';
import { redactUrl } from '@conveyor/runtime';
import { startStack } from '../stack/stack.js';
import { createLinePrinter } from '../stack/line-printer.js';
import { UsageError } from '../usage-error.js';
import { parseCommandArgs } from '../arguments.js';
import { databaseUrlFromEnv, inheritedEnv } from '../environment.js';
import type { Command } from '../registry.js';

export const stackCommand: Command = {
  summary: 'run every service as a local process [--workers N]',
  run: async (args) => {
    const { values } = parseCommandArgs({ args, options: { workers: { type: 'string', default: '2' } } });
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 0)
      throw new UsageError(`--workers must be a whole number, got "${values.workers}"`);

    const env = inheritedEnv();
    const databaseUrl = databaseUrlFromEnv();
    const print = createLinePrinter(process.stdout);
    print('stack', `migrating ${redactUrl(databaseUrl)}`);
    await migrate(databaseUrl);

    const stack = await startStack({ env, workers, onLine: print });
    print(
      'stack',
      `ready: ${stack
        .processes()
        .map((p) => `${p.name} (health :${p.healthPort})`)
        .join(', ')}`,
    );
    print('stack', 'press Ctrl-C to stop');

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    print('stack', `${signal}: stopping every service`);
    const codes = await stack.stop();
    const failed = Object.entries(codes).filter(([, code]) => code !== 0);
    for (const [name, code] of failed) print('stack', `${name} exited with ${code}`);
    return failed.length === 0 ? 0 : 1;
  },
};
