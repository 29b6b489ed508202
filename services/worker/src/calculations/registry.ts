import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Calculation } from './calculation.js';
import { createGridLoad } from './grid-load.js';
import { noop } from './noop.js';

/**
 * The calculations this worker runs, by name: the built-in ones plus those exported as
 * `calculations: Calculation[]` by each module of `CALCULATION_MODULES`.
 */
export async function loadCalculations(modules: string | undefined): Promise<Map<string, Calculation>> {
  const registry = new Map<string, Calculation>([
    ['grid-load', createGridLoad()],
    ['noop', noop],
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
    for (const calculation of loaded.calculations) registry.set(calculation.name, calculation);
  }
  return registry;
}
