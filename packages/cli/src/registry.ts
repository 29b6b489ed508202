// Every `conveyor` command. A command is `{ summary, run(args) => exit code }` in its own file.
import { demoCommand } from './commands/demo.js';
import { migrateCommand } from './commands/migrate.js';
import { projectionsRebuildCommand } from './commands/projections-rebuild.js';
import { monolithCommand } from './commands/monolith.js';
import {
  runCancelCommand,
  runExportCommand,
  runFollowCommand,
  runListCommand,
  runRetryCommand,
  runShowCommand,
  runStartCommand,
} from './commands/run-commands.js';
import { runDiffCommand } from './commands/run-diff.js';
import { stackCommand } from './commands/stack.js';
import { topologyGenerateCommand } from './commands/topology-generate.js';
import { topologyValidateCommand } from './commands/topology-validate.js';
import { workersCommand } from './commands/workers.js';

export type Command = { summary: string; run: (args: string[]) => Promise<number> };

export const commands: Record<string, Command> = {
  migrate: migrateCommand,
  'projections rebuild': projectionsRebuildCommand,
  stack: stackCommand,
  demo: demoCommand,
  monolith: monolithCommand,
  'run start': runStartCommand,
  'run follow': runFollowCommand,
  'run list': runListCommand,
  'run show': runShowCommand,
  'run cancel': runCancelCommand,
  'run retry': runRetryCommand,
  'run export': runExportCommand,
  'run diff': runDiffCommand,
  'topology validate': topologyValidateCommand,
  'topology generate': topologyGenerateCommand,
  workers: workersCommand,
};
