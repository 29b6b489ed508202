import { createDatabase, rebuildProjections } from '@conveyor/db';
import type { Command } from '../registry.js';
import { databaseUrlFromEnv } from '../environment.js';

export const projectionsRebuildCommand: Command = {
  summary: 'replay run_events into empty runs / run_process',
  run: async () => {
    const database = createDatabase(databaseUrlFromEnv());
    try {
      const replayed = await rebuildProjections(database.db);
      process.stdout.write(`replayed ${replayed} events into runs and run_process\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
