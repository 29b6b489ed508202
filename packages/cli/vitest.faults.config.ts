import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// `pnpm test:faults`: real runs through the real stack while faults are injected. One file at a time:
// each starts a stack of processes and breaks part of it on purpose.
export default defineConfig({
  ...shared,
  test: {
    ...shared.test,
    include: ['test/faults/**/*.test.ts'],
    // The real daemons stopped: alone, after everything else (`test:daemons`, vitest.daemons.config.ts).
    exclude: ['test/faults/daemons.test.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    globalSetup: ['test/faults/support/report.ts'],
  },
});
