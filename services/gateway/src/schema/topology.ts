import { datetimeIso, getTopology } from '@conveyor/db';
import { builder } from './builder.js';

type Topology = NonNullable<Awaited<ReturnType<typeof getTopology>>>;

export const TopologyRef = builder.objectRef<Topology>('Topology').implement({
  description: 'A stored topology snapshot (the same input is built and stored once).',
  fields: (t) => ({
    id: t.exposeID('id'),
    contentHash: t.exposeString('contentHash'),
    source: t.exposeString('source'),
    nodeCount: t.exposeInt('nodeCount'),
    selections: t.exposeStringList('selections'),
    createdAt: t.string({ resolve: (topology) => datetimeIso(topology.createdAt) }),
  }),
});

builder.queryField('topology', (t) =>
  t.field({
    type: TopologyRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, { id }, { db }) => (await getTopology(db, String(id))) ?? null,
  }),
);
