import { describe, expect, it } from 'vitest';
import type { Located } from './manifests.js';
import { resolveContainerEnv } from './pod-env.js';

const documents: Located[] = [
  {
    source: 'a',
    manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' }, data: { A: '1', B: '1' } },
  },
  {
    source: 'b',
    manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own' }, data: { B: '2' } },
  },
  {
    source: 'c',
    manifest: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'secret' },
      data: {
        URL: Buffer.from('amqp://u:p@host')
          .toString('base64')
          .replace(/(.{8})/, '$1\n'),
      },
    },
  },
];

describe('resolveContainerEnv', () => {
  it('applies envFrom in order, then env entries, a later source winning, and decodes Secrets', () => {
    const env = resolveContainerEnv(
      {
        name: 'c',
        envFrom: [{ configMapRef: { name: 'shared' } }, { configMapRef: { name: 'own' } }],
        env: [
          { name: 'A', value: '3' },
          { name: 'URL', valueFrom: { secretKeyRef: { name: 'secret', key: 'URL' } } },
        ],
      },
      documents,
    );
    expect(Object.fromEntries(env.values)).toEqual({ A: '3', B: '2', URL: 'amqp://u:p@host' });
    expect(env.missing).toEqual([]);
  });

  it('reports references to missing objects and keys, unless they are optional', () => {
    const env = resolveContainerEnv(
      {
        name: 'c',
        envFrom: [{ secretRef: { name: 'nope' } }, { configMapRef: { name: 'maybe', optional: true } }],
        env: [
          { name: 'X', valueFrom: { configMapKeyRef: { name: 'shared', key: 'Z' } } },
          { name: 'Y', valueFrom: { secretKeyRef: { name: 'secret', key: 'Z', optional: true } } },
        ],
      },
      documents,
    );
    expect(env.missing).toEqual(['Secret nope', 'ConfigMap shared key Z']);
    expect(env.values.get('Y')).toBeUndefined();
  });
});
