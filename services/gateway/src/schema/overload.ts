import type { RankedOverload } from '@conveyor/db';
import { builder } from './builder.js';

export const OverloadRef = builder.objectRef<RankedOverload>('Overload').implement({
  description:
    'An element (cable) overloaded in at least one interval of one task, with its peak: an entry of the overload report.',
  fields: (t) => ({
    rank: t.exposeInt('rank', { description: '1 for the most utilized element of the run' }),
    selection: t.exposeString('selection'),
    from: t.string({ description: '"YYYY-MM-DD HH:mm" UTC: the task window', resolve: (o) => o.startDate }),
    to: t.string({ description: 'inclusive', resolve: (o) => o.endDate }),
    cableId: t.exposeString('cableId'),
    capacityKw: t.exposeFloat('capacityKw', { description: 'kW' }),
    peakKw: t.exposeFloat('peakKw', { description: 'kW, the largest flow of the window' }),
    peakAt: t.exposeString('peakAt', { description: 'First interval at the peak, "YYYY-MM-DD HH:mm" UTC' }),
    utilization: t.exposeFloat('utilization', { description: 'peakKw / capacityKw' }),
    overloadedIntervals: t.exposeInt('overloadedIntervals', {
      description: '15-minute intervals with a flow above capacityKw',
    }),
  }),
});
