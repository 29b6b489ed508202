import { migrate } from '@conveyor/db';
import { redactUrl } from '@conveyor/runtime';
import type { Command } from '../registry.js';
import { databaseUrlFromEnv } from '../environment.js';

export const migrateCommand: Command = {
  summary: 'apply the database migrations (idempotent)',
  run: async () => {
    const url = databaseUrlFromEnv();
    const { database, applied } = await migrate(url);
    const what = applied.length ? `applied ${applied.join(', ')}` : 'already up to date';
    process.stdout.write(`migrated ${database} at ${redactUrl(url)}: ${what}\n`);
    return 0;
  },
};
