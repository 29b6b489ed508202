import { PROFILES } from './load-model.js';
import type { CableJson, NodeJson, Profile, TopologyJson } from './topology-format.js';

export type TopologyRule =
  | 'unique-ids'
  | 'cable-ends'
  | 'positive-capacity'
  | 'known-profile'
  | 'non-negative-load'
  | 'reachable'
  | 'single-substation'
  | 'no-cycles';

export type TopologyProblem = { rule: TopologyRule; ids: string[]; message: string };

/** A node of a substation's radial network, with the cable that feeds it from the substation's side. */
export type BuiltNode = {
  id: string;
  annualKwh: number;
  profile: Profile;
  pvKwp: number;
  /** The node one step closer to the substation; null when the feeding cable leaves the substation. */
  parent: string | null;
  cable: { id: string; capacityKw: number };
};

export type BuiltSubstation = { id: string; nodes: BuiltNode[] };
export type BuiltTopology = { substations: BuiltSubstation[]; nodeCount: number; cableCount: number };

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
  return [...repeated];
}

function checkElements(json: TopologyJson): TopologyProblem[] {
  const problems: TopologyProblem[] = [];
  const repeated = duplicates([...json.substations, ...json.nodes, ...json.cables].map((e) => e.id));
  if (repeated.length)
    problems.push({
      rule: 'unique-ids',
      ids: repeated,
      message: `ids used more than once: ${repeated.join(', ')}`,
    });

  const known = new Set([...json.substations, ...json.nodes].map((e) => e.id));
  const badEnds = json.cables.flatMap((c) =>
    [c.from, c.to].filter((end) => !known.has(end)).map((end) => `${c.id}→${end}`),
  );
  if (badEnds.length) {
    const ids = json.cables.filter((c) => !known.has(c.from) || !known.has(c.to)).map((c) => c.id);
    problems.push({
      rule: 'cable-ends',
      ids,
      message: `cables with an end that does not exist: ${badEnds.join(', ')}`,
    });
  }
  const badCapacity = json.cables.filter((c) => !(c.capacityKw > 0)).map((c) => c.id);
  if (badCapacity.length) {
    problems.push({
      rule: 'positive-capacity',
      ids: badCapacity,
      message: `cables without a positive capacityKw: ${badCapacity.join(', ')}`,
    });
  }
  const badProfile = json.nodes
    .filter((n) => !(PROFILES as readonly string[]).includes(n.profile))
    .map((n) => n.id);
  if (badProfile.length) {
    problems.push({
      rule: 'known-profile',
      ids: badProfile,
      message: `nodes with an unknown profile (expected ${PROFILES.join(' or ')}): ${badProfile.join(', ')}`,
    });
  }
  const negative = json.nodes.filter((n) => n.annualKwh < 0 || n.pvKwp < 0).map((n) => n.id);
  if (negative.length) {
    problems.push({
      rule: 'non-negative-load',
      ids: negative,
      message: `nodes with a negative annualKwh or pvKwp: ${negative.join(', ')}`,
    });
  }
  return problems;
}

type Edge = { cable: CableJson; other: string };

/**
 * Walks each substation's network breadth-first over valid cables, orienting every cable away from
 * the substation. Reports nodes reached from no substation or from several.
 */
function orient(json: TopologyJson): { substations: BuiltSubstation[]; problems: TopologyProblem[] } {
  const nodeById = new Map(json.nodes.map((n) => [n.id, n]));
  const substationIds = new Set(json.substations.map((s) => s.id));
  const adjacency = new Map<string, Edge[]>();
  for (const cable of json.cables) {
    if (
      !(nodeById.has(cable.from) || substationIds.has(cable.from)) ||
      !(nodeById.has(cable.to) || substationIds.has(cable.to))
    )
      continue;
    for (const [end, other] of [
      [cable.from, cable.to],
      [cable.to, cable.from],
    ] as const) {
      const edges = adjacency.get(end);
      if (edges) edges.push({ cable, other });
      else adjacency.set(end, [{ cable, other }]);
    }
  }
  // Walk cables in id order, so that the result does not depend on the order of the input file.
  for (const edges of adjacency.values())
    edges.sort((a, b) => (a.cable.id < b.cable.id ? -1 : a.cable.id > b.cable.id ? 1 : 0));

  const owner = new Map<string, string>(); // node id → the substation that reached it first
  const shared = new Set<string>();
  const substations: BuiltSubstation[] = [];
  for (const substation of json.substations) {
    const nodes: BuiltNode[] = [];
    const usedCables = new Set<string>();
    const visited = new Set<string>([substation.id]);
    const queue: { id: string; parent: string | null }[] = [{ id: substation.id, parent: null }];
    for (let head = 0; head < queue.length; head++) {
      const here = queue[head]!;
      for (const { cable, other } of adjacency.get(here.id) ?? []) {
        if (usedCables.has(cable.id)) continue;
        usedCables.add(cable.id);
        if (visited.has(other)) continue; // a loop: reported by findLoops
        visited.add(other);
        if (substationIds.has(other)) {
          shared.add(other);
          shared.add(substation.id);
          continue;
        }
        const previous = owner.get(other);
        if (previous !== undefined && previous !== substation.id) {
          shared.add(other);
          continue;
        }
        owner.set(other, substation.id);
        const node = nodeById.get(other)!;
        nodes.push({
          id: node.id,
          annualKwh: node.annualKwh,
          profile: node.profile as Profile,
          pvKwp: node.pvKwp,
          parent: here.id === substation.id ? null : here.id,
          cable: { id: cable.id, capacityKw: cable.capacityKw },
        });
        queue.push({ id: other, parent: here.id });
      }
    }
    substations.push({ id: substation.id, nodes });
  }

  const problems: TopologyProblem[] = [];
  const unreachable = json.nodes.filter((n: NodeJson) => !owner.has(n.id)).map((n) => n.id);
  if (unreachable.length) {
    problems.push({
      rule: 'reachable',
      ids: unreachable,
      message: `nodes not reachable from any substation: ${unreachable.join(', ')}`,
    });
  }
  if (shared.size) {
    const ids = [...shared];
    problems.push({
      rule: 'single-substation',
      ids,
      message: `reachable from more than one substation (or joining substations): ${ids.join(', ')}`,
    });
  }
  return { substations, problems };
}

/**
 * Cables that close a loop, anywhere in the network (inside a substation's tree, between two
 * substations, or on an island no substation reaches): taking cables in id order, a cable whose two
 * ends are already connected closes one.
 */
function findLoops(json: TopologyJson): TopologyProblem[] {
  const root = new Map<string, string>();
  const find = (id: string): string => {
    let top = id;
    for (let up = root.get(top); up !== undefined && up !== top; up = root.get(top)) top = up;
    // Full path compression: every node on the way now points at the root. Shortening only `id`'s own
    // path let a hostile cable order walk the same long chain again and again (quadratic time).
    for (let here = id; here !== top;) {
      const up = root.get(here)!;
      root.set(here, top);
      here = up;
    }
    return top;
  };
  const known = new Set([...json.substations, ...json.nodes].map((e) => e.id));
  const cables = json.cables
    .filter((c) => known.has(c.from) && known.has(c.to))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids: string[] = [];
  for (const cable of cables) {
    const [a, b] = [find(cable.from), find(cable.to)];
    if (a === b) ids.push(cable.id);
    else root.set(a, b);
  }
  if (!ids.length) return [];
  return [
    {
      rule: 'no-cycles',
      ids,
      message: `cables closing a loop (the network must be radial): ${ids.join(', ')}`,
    },
  ];
}

/**
 * Validates a topology against every rule of DESIGN §5 and orients its cables away from their
 * substation. All failing rules are reported, each with the offending ids.
 */
export function buildTopology(
  json: TopologyJson,
): { ok: true; topology: BuiltTopology } | { ok: false; problems: TopologyProblem[] } {
  const { substations, problems: graphProblems } = orient(json);
  const problems = [...checkElements(json), ...graphProblems, ...findLoops(json)];
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    topology: { substations, nodeCount: json.nodes.length, cableCount: json.cables.length },
  };
}

/** One line per problem, for people. */
export function formatProblems(problems: TopologyProblem[]): string {
  return problems.map((p) => `- [${p.rule}] ${p.message}`).join('\n');
}

/** One selection per substation, in plain string order. */
export function selectionsOf(topology: BuiltTopology): string[] {
  return topology.substations.map((s) => s.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
