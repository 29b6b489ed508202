import { describe, expect, it } from 'vitest';
import type { Located } from './manifests.js';
import { findUnknownFields } from './unknown-fields.js';

const service = (spec: Record<string, unknown>): Located => ({
  source: 'service.yaml#1',
  manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec },
});

describe('findUnknownFields', () => {
  it('accepts a manifest that uses only its kind’s fields', () => {
    expect(
      findUnknownFields([service({ selector: { a: 'b' }, ports: [{ port: 80, targetPort: 'http' }] })]),
    ).toEqual([]);
  });

  it('names the document and the misspelt field, however deep', () => {
    const problems = findUnknownFields([
      service({ ports: [{ port: 80, targetPort: 'http', protocl: 'TCP' }] }),
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('service.yaml#1');
    expect(problems[0]).toContain('protocl');
  });

  it('reports a value of the wrong type', () => {
    expect(findUnknownFields([service({ ports: [{ port: 'eighty' }] })])[0]).toContain('not assignable');
  });
});
