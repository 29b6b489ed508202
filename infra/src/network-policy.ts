// NetworkPolicy semantics, enough to ask "may this pod reach that one on this port?" of the manifests:
// a pod selected by no policy of a direction is open in that direction; otherwise a connection is allowed
// when a rule of a policy selecting the pod matches both the peer and the port.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';

type LabelSelector = NonNullable<INetworkPolicyPeer['podSelector']>;

/** One end of a connection. An `external` endpoint is outside the cluster (matched only by ipBlock or by any). */
export type Endpoint = {
  podLabels: Record<string, string>;
  /** The namespace's labels; the policies' own namespace when `sameNamespace`. */
  namespaceLabels: Record<string, string>;
  sameNamespace: boolean;
  external?: boolean;
  /** Named container ports of the pod, for rules that name their port. */
  namedPorts?: Record<string, number>;
};

export type Connection = { from: Endpoint; to: Endpoint; port: number; protocol?: 'TCP' | 'UDP' };

export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}

const typesOf = (policy: INetworkPolicy) =>
  policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);

function peerMatches(peer: INetworkPolicyPeer, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return endpoint.external === true;
  if (endpoint.external) return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, endpoint.namespaceLabels)) return false;
    return matchesSelector(peer.podSelector, endpoint.podLabels);
  }
  return endpoint.sameNamespace && matchesSelector(peer.podSelector, endpoint.podLabels);
}

function portMatches(ports: INetworkPolicyPort[] | undefined, connection: Connection): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = connection.protocol ?? 'TCP';
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== protocol) return false;
    if (rule.port === undefined) return true;
    const port = typeof rule.port === 'number' ? rule.port : connection.to.namedPorts?.[rule.port];
    if (port === undefined) return false;
    return connection.port >= port && connection.port <= (rule.endPort ?? port);
  });
}

function directionAllows(
  policies: INetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  connection: Connection,
): boolean {
  const subject = direction === 'Ingress' ? connection.to : connection.from;
  const peer = direction === 'Ingress' ? connection.from : connection.to;
  if (!subject.sameNamespace || subject.external) return true; // not governed by these policies
  const selecting = policies.filter(
    (policy) =>
      typesOf(policy).includes(direction) && matchesSelector(policy.spec?.podSelector, subject.podLabels),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) => {
    const rules =
      direction === 'Ingress'
        ? (policy.spec?.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
        : (policy.spec?.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }));
    return rules.some(
      (rule) =>
        (!rule.peers || rule.peers.length === 0 || rule.peers.some((p) => peerMatches(p, peer))) &&
        portMatches(rule.ports, connection),
    );
  });
}

/** Whether the policies of one namespace let the connection through (egress of `from`, ingress of `to`). */
export function allows(policies: INetworkPolicy[], connection: Connection): boolean {
  return directionAllows(policies, 'Egress', connection) && directionAllows(policies, 'Ingress', connection);
}
