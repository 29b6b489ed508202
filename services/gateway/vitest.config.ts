import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// graphql 16 ships both index.mjs ("module") and index.js ("main"); Pothos and yoga load the CommonJS
// one, so tests must too, or two copies of graphql meet ("from another module or realm").
// The dashboard's pure modules have their unit tests beside them, in dashboard/src.
export default mergeConfig(shared, {
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: { include: ['dashboard/src/**/*.test.ts'] },
});
