import type { TaskCounts } from '@conveyor/messages';
import type { builder } from './builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

type CountFields = Record<keyof TaskCounts, PothosSchemaTypes.FieldRef<Types, number, 'Object'>>;

/** The counts per task status, for every object type that shows them (TaskCounts, RunProgress). */
export const taskCountFields = (t: PothosSchemaTypes.ObjectFieldBuilder<Types, TaskCounts>): CountFields => ({
  total: t.exposeInt('total'),
  queued: t.exposeInt('queued'),
  started: t.exposeInt('started'),
  finished: t.exposeInt('finished'),
  failed: t.exposeInt('failed'),
  cancelled: t.exposeInt('cancelled'),
});
