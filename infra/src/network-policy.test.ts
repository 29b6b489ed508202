import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { describe, expect, it } from 'vitest';
import { allows, matchesSelector, type Endpoint } from './network-policy.js';

const pod = (labels: Record<string, string>, namedPorts: Record<string, number> = {}): Endpoint => ({
  podLabels: labels,
  namespaceLabels: {},
  sameNamespace: true,
  namedPorts,
});
const app = pod({ app: 'api' }, { http: 8080 });
const db = pod({ app: 'db' });
const elsewhere: Endpoint = { podLabels: { app: 'x' }, namespaceLabels: { team: 'a' }, sameNamespace: false };
const internet: Endpoint = { podLabels: {}, namespaceLabels: {}, sameNamespace: false, external: true };
const policy = (spec: INetworkPolicy['spec']): INetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p' },
  spec,
});

describe('allows', () => {
  it('lets everything through when no policy selects the pods', () => {
    expect(allows([], { from: app, to: db, port: 3306 })).toBe(true);
  });

  it('denies what a selecting policy does not allow, and allows what a rule matches', () => {
    const policies = [
      policy({ podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
      policy({
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 3306 }] }],
      }),
    ];
    expect(allows(policies, { from: app, to: db, port: 3306 })).toBe(true);
    expect(allows(policies, { from: app, to: db, port: 3307 })).toBe(false);
    expect(allows(policies, { from: elsewhere, to: db, port: 3306 })).toBe(false);
  });

  it('needs both selectors of one peer to match, and resolves named ports on the receiving pod', () => {
    const policies = [
      policy({
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: 'a' } },
                podSelector: { matchLabels: { app: 'x' } },
              },
            ],
            ports: [{ port: 'http' }],
          },
        ],
      }),
    ];
    expect(allows(policies, { from: elsewhere, to: app, port: 8080 })).toBe(true);
    expect(allows(policies, { from: { ...elsewhere, podLabels: { app: 'y' } }, to: app, port: 8080 })).toBe(
      false,
    );
    expect(allows(policies, { from: elsewhere, to: app, port: 9090 })).toBe(false);
  });

  it('matches outside addresses only with ipBlock or a rule without peers', () => {
    const podsOnly = [
      policy({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] }),
    ];
    expect(allows(podsOnly, { from: app, to: internet, port: 443 })).toBe(false);
    expect(allows(podsOnly, { from: app, to: db, port: 443 })).toBe(true);
    const anywhere = [
      policy({ podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] }),
    ];
    expect(allows(anywhere, { from: app, to: internet, port: 443 })).toBe(true);
    const block = [
      policy({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
      }),
    ];
    expect(allows(block, { from: app, to: internet, port: 443 })).toBe(true);
  });
});

describe('matchesSelector', () => {
  it('handles matchLabels and every matchExpressions operator', () => {
    const labels = { tier: 'web', env: 'prod' };
    expect(matchesSelector({ matchLabels: { tier: 'web' } }, labels)).toBe(true);
    expect(
      matchesSelector({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, labels),
    ).toBe(true);
    expect(
      matchesSelector({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, labels),
    ).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(
      false,
    );
  });
});
