// Shared vitest settings: resolve internal packages to their TypeScript source, so no build is needed;
// fail any test that leaves a broker connection, database pool or child process open (leak-guard).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: { resolve: { conditions: ['@conveyor/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: [
      fileURLToPath(new URL('./packages/runtime/src/testing/leak-guard.setup.ts', import.meta.url)),
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
