// Every `conveyor` command. A command is `{ summary, run(args) => exit code }` in its own file.
import { demoCommand } from './commands/demo.js';
import { migrateCommand } from './commands/migrate.js';
import { projectionsRebuildCommand } from './commands/projections-rebuild.js';
import { monolithCommand } from './commands/monolith.js';
import { stackCommand } from './commands/stack.js';
import { topologyGenerateCommand } from './commands/topology-generate.js';
import { topologyValidateCommand } from './commands/topology-validate.js';

export type Command = { summary: string; run: (args: string[]) => Promise<number> };

export const commands: Record<string, Command> = {
  migrate: migrateCommand,
  'projections rebuild': projectionsRebuildCommand,
  stack: stackCommand,
  demo: demoCommand,
  monolith: monolithCommand,
  'topology validate': topologyValidateCommand,
  'topology generate': topologyGenerateCommand,
};
