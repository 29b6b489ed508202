import type { Calculation } from './calculation.js';

/** Computes nothing: measures the orchestration overhead alone (the `noop` benchmark). */
export const noop: Calculation = {
  name: 'noop',
  run: () => Promise.resolve({ summary: {} }),
};
