#!/usr/bin/env node
// The `conveyor` command: one file per command under commands/, registered here.
import { commands } from './registry.js';
import { UsageError } from './usage-error.js';

function printUsage(): void {
  const lines = Object.entries(commands).map(([name, c]) => `  conveyor ${name.padEnd(22)} ${c.summary}`);
  process.stderr.write(`usage:\n${lines.join('\n')}\n`);
}

async function main(argv: string[]): Promise<number> {
  // Commands have one or two words (`migrate`, `topology validate`): take the longest that matches.
  const two = argv.slice(0, 2).join(' ');
  const name = two in commands ? two : (argv[0] ?? '');
  const command = commands[name];
  if (!command) {
    printUsage();
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`conveyor ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
