import { describe, expect, it } from 'vitest';
import { parseDockerIgnore } from './dockerignore.js';

describe('parseDockerIgnore', () => {
  const rules = parseDockerIgnore(
    ['# build output', '**/node_modules', 'out', '/dist/', '*.log', '!keep.log', 'docs/**/*.tmp'].join('\n'),
  );

  it('matches `**/` at any depth, including the top', () => {
    expect(rules.excludes('node_modules')).toBe(true);
    expect(rules.excludes('packages/db/node_modules/mysql2/index.js')).toBe(true);
  });

  it('matches a plain pattern at the top only, and everything under a matched folder', () => {
    expect(rules.excludes('out/json/package.json')).toBe(true);
    expect(rules.excludes('packages/out/x')).toBe(false);
    expect(rules.excludes('dist/main.js')).toBe(true);
  });

  it('lets a later `!` pattern take a path back', () => {
    expect(rules.excludes('error.log')).toBe(true);
    expect(rules.excludes('keep.log')).toBe(false);
  });

  it('keeps `*` within one folder and `**` across folders', () => {
    expect(rules.excludes('a/error.log')).toBe(false);
    expect(rules.excludes('docs/a/b/c.tmp')).toBe(true);
    expect(rules.excludes('docs/c.tmp')).toBe(true);
    expect(rules.excludes('src/index.ts')).toBe(false);
  });
});
