import {
  InvalidSourceError,
  TopologyFormatError,
  loadTopologySource,
  parseSource,
  type TopologyJson,
} from '@conveyor/grid';
import { UsageError } from './usage-error.js';

/**
 * Loads a topology source named on the command line. A source that is not `file:…`/`synthetic:…`,
 * or a file that cannot be read, is a bad argument (UsageError, exit 2); a file that is not a
 * topology comes back as `{ ok: false }` with the reason, for the command to report (exit 1).
 */
export async function loadCommandSource(
  source: string,
): Promise<{ ok: true; json: TopologyJson } | { ok: false; message: string }> {
  try {
    parseSource(source);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    return { ok: true, json: await loadTopologySource(source) };
  } catch (error) {
    if (error instanceof TopologyFormatError || error instanceof InvalidSourceError)
      return { ok: false, message: `${source}: ${error.message}` };
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UsageError(`cannot read ${source}: ${(error as Error).message}`);
    throw error;
  }
}
