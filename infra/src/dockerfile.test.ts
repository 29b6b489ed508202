import { describe, expect, it } from 'vitest';
import { envAssignments, execForm, expandVariables, parseDockerfile } from './dockerfile.js';

const text = `# syntax=docker/dockerfile:1
ARG BASE=node:22-alpine

FROM \${BASE} AS first
ARG NAME=world
RUN --mount=type=cache,target=/a --mount=type=cache,target=/b \\
    echo one \\
    && echo two
COPY --from=elsewhere --chown=1000:0 /app/ ./

FROM first
CMD ["node", "dist/main.js"]
`;

describe('parseDockerfile', () => {
  const file = parseDockerfile(text);

  it('keeps ARGs before the first FROM as global, and names unnamed stages by position', () => {
    expect(file.globalArgs.map((a) => a.args)).toEqual(['BASE=node:22-alpine']);
    expect(file.stages.map((s) => [s.name, s.from])).toEqual([
      ['first', '${BASE}'],
      ['1', 'first'],
    ]);
  });

  it('joins continuation lines and reads options, several --mount included', () => {
    const [arg, run, copy] = file.stages[0]!.instructions;
    expect(arg?.keyword).toBe('ARG');
    expect(run).toMatchObject({ keyword: 'RUN', args: 'echo one && echo two', line: 6 });
    expect(run?.mounts).toEqual(['type=cache,target=/a', 'type=cache,target=/b']);
    expect(copy?.flags).toEqual({ from: 'elsewhere', chown: '1000:0' });
    expect(copy?.args).toBe('/app/ ./');
  });
});

describe('expandVariables', () => {
  it('expands $NAME, ${NAME} and ${NAME:-default}', () => {
    expect(expandVariables('a/$X/${Y}/${Z:-zed}/${X:-no}', { X: 'x', Y: 'y' })).toBe('a/x/y/zed/x');
  });
});

describe('envAssignments and execForm', () => {
  it('reads ENV pairs, quoted ones too, and the old `KEY value` form', () => {
    expect(envAssignments('A=1 B="two words"')).toEqual([
      ['A', '1'],
      ['B', 'two words'],
    ]);
    expect(envAssignments('A one two')).toEqual([['A', 'one two']]);
  });

  it('reads the JSON form, and wraps the shell form in sh -c', () => {
    expect(execForm('["node", "x.js"]')).toEqual(['node', 'x.js']);
    expect(execForm('node x.js')).toEqual(['/bin/sh', '-c', 'node x.js']);
  });
});
