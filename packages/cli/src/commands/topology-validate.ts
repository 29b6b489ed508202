import { buildTopology, formatProblems } from '@conveyor/grid';
import type { Command } from '../registry.js';
import { loadCommandSource } from '../source.js';
import { UsageError } from '../usage-error.js';

export const topologyValidateCommand: Command = {
  summary: 'check a topology (file:PATH or synthetic:…): exit 0 when valid, 1 with every problem',
  run: async (args) => {
    const [source, ...rest] = args;
    if (!source || rest.length > 0)
      throw new UsageError(
        'expected one topology source: conveyor topology validate <file:PATH|synthetic:…>',
      );
    const loaded = await loadCommandSource(source);
    if (!loaded.ok) {
      process.stderr.write(`${loaded.message}\n`);
      return 1;
    }
    const json = loaded.json;
    const built = buildTopology(json);
    if (!built.ok) {
      process.stderr.write(
        `invalid topology ${source} (${built.problems.length} problems):\n${formatProblems(built.problems)}\n`,
      );
      return 1;
    }
    process.stdout.write(
      `valid topology ${source}: ${json.substations.length} substations, ${json.nodes.length} nodes, ${json.cables.length} cables\n`,
    );
    return 0;
  },
};
