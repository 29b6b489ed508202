import { describe, expect, it } from 'vitest';
import { validateRunRequest } from './run-request.js';

const valid = {
  topologySource: 'synthetic:substations=2&nodes=10&seed=1',
  from: '2023-01-01 00:00',
  to: '2023-01-31 23:59',
  selections: ['1', '2'],
};

describe('validateRunRequest', () => {
  it('accepts a valid request, with or without selections', () => {
    expect(validateRunRequest(valid)).toBeNull();
    expect(validateRunRequest({ ...valid, selections: null })).toBeNull();
    expect(validateRunRequest({ ...valid, from: valid.to })).toBeNull();
  });

  it.each([
    [{ from: '2023-1-1' }, 'malformed-date', 'from', 'YYYY-MM-DD HH:mm'],
    [{ to: '2023-02-30 00:00' }, 'malformed-date', 'to', 'not a real date'],
    [{ from: '2023-02-01 00:00', to: '2023-01-31 23:59' }, 'invalid-window', 'to', 'before it starts'],
    [
      { topologySource: 'http://example.com/grid.json' },
      'invalid-source',
      'topologySource',
      'expected file:PATH',
    ],
    [{ topologySource: `file:${'x'.repeat(1100)}` }, 'invalid-source', 'topologySource', 'longer than 1024'],
    [{ selections: [] }, 'invalid-selections', 'selections', 'give 1 to 10000'],
    [{ selections: ['1', ' 2'] }, 'invalid-selections', 'selections', '" 2" is not a selection id'],
    [{ selections: ['1', '2', '1'] }, 'invalid-selections', 'selections', '"1" is listed twice'],
  ])('reports %j as %s of %s', (change, kind, field, message) => {
    expect(validateRunRequest({ ...valid, ...change })).toEqual({
      kind,
      field,
      message: expect.stringContaining(message) as string,
    });
  });
});
