import { buildTopology, formatProblems, loadTopologySource } from '@conveyor/grid';
import type { Command } from '../registry.js';
import { UsageError } from '../usage-error.js';

export const topologyValidateCommand: Command = {
  summary: 'check a topology (file:PATH or synthetic:…): exit 0 when valid, 1 with every problem',
  run: async (args) => {
    const [source, ...rest] = args;
    if (!source || rest.length > 0)
      throw new UsageError(
        'expected one topology source: conveyor topology validate <file:PATH|synthetic:…>',
      );
    let json;
    try {
      json = await loadTopologySource(source);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
    const built = buildTopology(json);
    if (!built.ok) {
      process.stderr.write(`invalid topology ${source}:\n${formatProblems(built.problems)}\n`);
      return 1;
    }
    process.stdout.write(
      `valid topology ${source}: ${json.substations.length} substations, ${json.nodes.length} nodes, ${json.cables.length} cables\n`,
    );
    return 0;
  },
};
