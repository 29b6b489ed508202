import { readFile } from 'node:fs/promises';
import { buildSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `pnpm --filter @conveyor/gateway schema:print` after a change)', async () => {
    const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
    // Printed again so that prettier's formatting of the committed file does not count as a change.
    expect(printSchema(buildSchema(committed))).toBe(printSchema(schema));
  });
});
