import { builder } from './builder.js';
import { ErrorInterface, type UserError } from './errors.js';

type UnknownCalculation = UserError & { calculation: string; available: string[] };

/**
 * Built into every worker: accepted while no worker is alive (the gateway just started, or the
 * workers are scaled to zero), since whichever worker comes up runs them.
 */
export const BUILT_IN_CALCULATIONS = ['grid-load', 'noop'];

export const UnknownCalculationError = builder
  .objectRef<UnknownCalculation>('UnknownCalculationError')
  .implement({
    description:
      'No live worker offers this calculation: start workers with its plug-in (CALCULATION_MODULES), or choose one of `available`.',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'UnknownCalculationError',
    fields: (t) => ({
      calculation: t.exposeString('calculation'),
      available: t.exposeStringList('available', {
        description: 'What the live workers offer (the built-ins when none is alive)',
      }),
    }),
  });

/** UnknownCalculationError unless a live worker offers `calculation` (any built-in when none is alive). */
export function checkCalculation(calculation: string, offered: string[]): UnknownCalculation | null {
  const available = offered.length > 0 ? offered : BUILT_IN_CALCULATIONS;
  if (available.includes(calculation)) return null;
  const which = offered.length > 0 ? 'the live workers offer' : 'no worker is alive; built in are';
  return {
    __typename: 'UnknownCalculationError',
    message: `no live worker offers the calculation "${calculation}" (${which}: ${available.join(', ')})`,
    field: 'calculation',
    calculation,
    available,
  };
}
