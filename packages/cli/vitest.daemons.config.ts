import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// `pnpm test:daemons`: the fault cases that stop the machine's real MariaDB and RabbitMQ daemons.
// They break every other test running meanwhile, so turbo runs them after every package's `test` and
// `test:faults` (turbo.json), one file, one test at a time.
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/faults/daemons.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    globalSetup: ['test/faults/support/report.ts'],
  },
});
