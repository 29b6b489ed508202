import { migrate } from '@conveyor/db';
import { redactUrl } from '@conveyor/runtime';
import type { Command } from '../registry.js';
import { databaseUrlFromEnv } from '../environment.js';

export const migrateCommand: Command = {
  summary: 'apply the database migrations (idempotent)',
  run: async () => {
    const url = databaseUrlFromEnv();
    const { database } = await migrate(url);
    process.stdout.write(`migrated ${database} at ${redactUrl(url)}\n`);
    return 0;
  },
};
