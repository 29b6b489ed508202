import { MAX_BUNDLE_SIZE } from '@conveyor/messages';
import { builder } from './builder.js';
import { ErrorInterface, type UserError } from './errors.js';

type InvalidBundleSize = UserError & { bundleSize: number; max: number };

export const InvalidBundleSizeError = builder
  .objectRef<InvalidBundleSize>('InvalidBundleSizeError')
  .implement({
    description: `bundleSize is not a whole number from 1 to ${MAX_BUNDLE_SIZE}: the tasks one task message may carry.`,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === 'InvalidBundleSizeError',
    fields: (t) => ({
      bundleSize: t.exposeInt('bundleSize', { description: 'The bundleSize asked for' }),
      max: t.exposeInt('max', { description: 'The largest bundleSize accepted' }),
    }),
  });

/** InvalidBundleSizeError unless `bundleSize` (absent: 1) is 1..MAX_BUNDLE_SIZE (GraphQL's Int is whole already). */
export function checkBundleSize(bundleSize: number | null | undefined): InvalidBundleSize | null {
  if (bundleSize === null || bundleSize === undefined) return null;
  if (bundleSize >= 1 && bundleSize <= MAX_BUNDLE_SIZE) return null;
  return {
    __typename: 'InvalidBundleSizeError',
    message: `bundleSize ${bundleSize} is out of range: a task message carries 1 to ${MAX_BUNDLE_SIZE} tasks`,
    field: 'bundleSize',
    bundleSize,
    max: MAX_BUNDLE_SIZE,
  };
}
