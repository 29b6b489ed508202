import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// End-to-end tests start real processes and runs: on a loaded 2-core machine a test may take minutes.
// The fault-injection suite has its own command (`test:faults`, vitest.faults.config.ts).
export default mergeConfig(shared, {
  test: { testTimeout: 240_000, hookTimeout: 180_000, exclude: ['**/node_modules/**', 'test/faults/**'] },
});
