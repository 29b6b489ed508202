// Writes the printed schema to schema.graphql (committed; test/schema.test.ts checks it matches the code).
// The package script then formats it with prettier, as `pnpm format` would.
import { writeFile } from 'node:fs/promises';
import { printSchema } from 'graphql';
import { schema } from '../src/schema/index.js';

await writeFile(new URL('../schema.graphql', import.meta.url), `${printSchema(schema)}\n`);
