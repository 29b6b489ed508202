/** Topology JSON, version 1 (DESIGN §5). */
export type Profile = 'residential' | 'commercial';
export type SubstationJson = { id: string };
export type NodeJson = { id: string; annualKwh: number; profile: string; pvKwp: number };
export type CableJson = { id: string; from: string; to: string; capacityKw: number };
export type TopologyJson = {
  version: 1;
  substations: SubstationJson[];
  nodes: NodeJson[];
  cables: CableJson[];
};

const SHOWN_PROBLEMS = 20;

/** The JSON does not have the shape of a topology; `problems` lists each path that is wrong. */
export class TopologyFormatError extends Error {
  override name = 'TopologyFormatError';
  constructor(readonly problems: string[]) {
    // A hostile file can have a million bad items: the message shows the first ones and counts the rest.
    const shown = problems.slice(0, SHOWN_PROBLEMS);
    const more = problems.length - shown.length;
    super(`not a topology (version 1):\n  ${shown.join('\n  ')}${more > 0 ? `\n  … and ${more} more` : ''}`);
  }
}

type Field = 'string' | 'number';

function checkItems(value: unknown, path: string, fields: Record<string, Field>, problems: string[]): void {
  if (!Array.isArray(value)) {
    problems.push(`${path}: expected an array`);
    return;
  }
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) {
      problems.push(`${path}[${index}]: expected an object`);
      return;
    }
    for (const [key, type] of Object.entries(fields)) {
      const field = (item as Record<string, unknown>)[key];
      const ok =
        type === 'string'
          ? typeof field === 'string' && field.length > 0
          : typeof field === 'number' && Number.isFinite(field);
      if (!ok)
        problems.push(
          `${path}[${index}].${key}: expected ${type === 'string' ? 'a non-empty string' : 'a finite number'}`,
        );
    }
  });
}

/**
 * Checks the shape of topology JSON (types and required fields) and returns it typed. The rules of
 * the network itself (ids, reachability, capacities…) are `buildTopology`'s.
 */
export function parseTopology(json: unknown): TopologyJson {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TopologyFormatError(['(root): expected an object']);
  const root = json as Record<string, unknown>;
  if (root.version !== 1) problems.push(`version: expected 1, got ${JSON.stringify(root.version)}`);
  checkItems(root.substations, 'substations', { id: 'string' }, problems);
  checkItems(
    root.nodes,
    'nodes',
    { id: 'string', annualKwh: 'number', profile: 'string', pvKwp: 'number' },
    problems,
  );
  checkItems(
    root.cables,
    'cables',
    { id: 'string', from: 'string', to: 'string', capacityKw: 'number' },
    problems,
  );
  if (problems.length > 0) throw new TopologyFormatError(problems);
  return json as TopologyJson;
}
