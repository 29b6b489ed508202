import { writeFile } from 'node:fs/promises';
import { generateSynthetic, parseSource } from '@conveyor/grid';
import { parseCommandArgs } from '../arguments.js';
import type { Command } from '../registry.js';
import { UsageError } from '../usage-error.js';

const USAGE = 'usage: conveyor topology generate synthetic:substations=N&nodes=M&seed=S --out FILE';

export const topologyGenerateCommand: Command = {
  summary: 'write a synthetic topology: topology generate synthetic:substations=N&nodes=M&seed=S --out FILE',
  run: async (args) => {
    const { values, positionals } = parseCommandArgs(
      { args, options: { out: { type: 'string' } }, allowPositionals: true },
      USAGE,
    );
    const [source] = positionals;
    if (!source || positionals.length > 1 || !values.out) throw new UsageError(USAGE);
    let parsed;
    try {
      parsed = parseSource(source);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (parsed.kind !== 'synthetic') throw new UsageError('only synthetic:… sources can be generated');
    const json = generateSynthetic(parsed.params);
    await writeFile(values.out, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(
      `wrote ${values.out}: ${json.substations.length} substations, ${json.nodes.length} nodes, ${json.cables.length} cables\n`,
    );
    return 0;
  },
};
