import type { Calculation } from './calculation.js';

/** Computes nothing: measures the orchestration overhead alone (the `noop` benchmark). */
export const noop: Calculation = {
  name: 'noop',
  version: '1',
  run: () => Promise.resolve({ summary: {} }),
};
