import { GraphQLError } from 'graphql';
import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';

type PageInfo = { endCursor: string | null; hasNextPage: boolean };
export type Page<T> = { nodes: T[]; pageInfo: PageInfo };

const PageInfoRef = builder.objectRef<PageInfo>('PageInfo').implement({
  description: 'Pass `endCursor` as `after` to get the next page; there is one when `hasNextPage`.',
  fields: (t) => ({
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasNextPage: t.exposeBoolean('hasNextPage'),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** `<Name> { nodes: [Node!]!, pageInfo: PageInfo! }`. */
export function connectionType<T>(name: string, node: ObjectRef<Types, T>) {
  return builder.objectRef<Page<T>>(name).implement({
    fields: (t) => ({
      nodes: t.field({ type: [node], resolve: (page) => page.nodes }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (page) => page.pageInfo }),
    }),
  });
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** Rows to fetch for a page of `first` (one more than the page, to know whether another follows). */
export function pageLimit(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)
    throw new GraphQLError(`first must be from 1 to ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT' } });
  return size;
}

/** A page from `size + 1` fetched rows. */
export function toPage<T>(rows: T[], size: number, cursorOf: (row: T) => string): Page<T> {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: { endCursor: last === undefined ? null : cursorOf(last), hasNextPage: rows.length > size },
  };
}

/** A numeric cursor (a row id or an event position) from its string form. */
export function numericCursor(after: string | null | undefined): number | undefined {
  if (after === null || after === undefined) return undefined;
  if (!/^\d{1,15}$/.test(after))
    throw new GraphQLError(`"${after}" is not a cursor of this list`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  return Number(after);
}
