import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Calculation, LoadedCalculation } from './calculation.js';
import { createGridLoad } from './grid-load.js';
import { noop } from './noop.js';

/** The reference calculation's version: raise it when its results change (DESIGN §5). */
const GRID_LOAD_VERSION = '1';

/** A plug-in's own version, or "0" when it gives none. */
const settle = (calculation: Calculation): LoadedCalculation => ({
  ...calculation,
  version: calculation.version ?? '0',
});

/**
 * The calculations this worker runs, by name: the built-in ones plus those exported as
 * `calculations: Calculation[]` by each module of `CALCULATION_MODULES`.
 */
export async function loadCalculations(modules: string | undefined): Promise<Map<string, LoadedCalculation>> {
  const registry = new Map<string, LoadedCalculation>([
    ['grid-load', { ...createGridLoad(), version: GRID_LOAD_VERSION }],
    ['noop', settle(noop)],
  ]);
  for (const path of (modules ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const loaded = (await import(pathToFileURL(resolve(path)).href)) as { calculations?: Calculation[] };
    if (!Array.isArray(loaded.calculations)) {
      throw new Error(
        `CALCULATION_MODULES: ${path} does not export "calculations" (an array of calculations)`,
      );
    }
    for (const calculation of loaded.calculations) {
      if (calculation.version !== undefined && typeof calculation.version !== 'string') {
        throw new Error(`CALCULATION_MODULES: ${path}: the version of "${calculation.name}" is not a string`);
      }
      registry.set(calculation.name, settle(calculation));
    }
  }
  return registry;
}
