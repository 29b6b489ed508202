import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { generateSynthetic, type SyntheticParams } from './synthetic.js';
import { parseTopology, type TopologyJson } from './topology-format.js';

export type TopologySource = { kind: 'file'; path: string } | { kind: 'synthetic'; params: SyntheticParams };

export class InvalidSourceError extends Error {
  override name = 'InvalidSourceError';
}

const SYNTHETIC_KEYS = ['substations', 'nodes', 'seed'] as const;
type SyntheticKey = (typeof SYNTHETIC_KEYS)[number];
const SYNTHETIC_RANGES: Record<SyntheticKey, [number, number]> = {
  substations: [1, 10_000],
  nodes: [1, 100_000],
  seed: [0, 2 ** 32 - 1],
};

/** How large a topology may be: checked before it is generated, read or parsed (DESIGN §4). */
export type TopologyLimits = {
  /** Nodes in all (a synthetic source's substations × nodes). */
  maxNodes: number;
  /** Bytes of a `file:` source. */
  maxBytes: number;
};

/** A topology over one of its limits; `limit` says which, so that the caller can name its setting. */
export class TopologyTooLargeError extends Error {
  override name = 'TopologyTooLargeError';
  constructor(
    message: string,
    readonly limit: keyof TopologyLimits,
  ) {
    super(message);
  }
}

const count = (n: number) => n.toLocaleString('en-US');

function parseSynthetic(query: string): SyntheticParams {
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  const unknown = keys.filter((key) => !(SYNTHETIC_KEYS as readonly string[]).includes(key));
  if (unknown.length)
    throw new InvalidSourceError(
      `unknown synthetic parameters: ${unknown.join(', ')} (expected ${SYNTHETIC_KEYS.join(', ')})`,
    );
  const read = (key: SyntheticKey) => {
    const [min, max] = SYNTHETIC_RANGES[key];
    const values = params.getAll(key);
    if (values.length === 0)
      throw new InvalidSourceError(`synthetic source without ${key} (a whole number from ${min} to ${max})`);
    if (values.length > 1) throw new InvalidSourceError(`synthetic ${key} is given ${values.length} times`);
    const raw = values[0]!;
    const value = Number(raw);
    // Digits only: Number() would also read "", " 5", "1e3" and "0x10".
    if (!/^\d{1,10}$/.test(raw) || value < min || value > max)
      throw new InvalidSourceError(
        `synthetic ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
      );
    return value;
  };
  return { substations: read('substations'), nodes: read('nodes'), seed: read('seed') };
}

/** `file:PATH` or `synthetic:substations=N&nodes=M&seed=S`. */
export function parseSource(source: string): TopologySource {
  if (source.startsWith('file:')) {
    const path = source.slice('file:'.length);
    if (!path) throw new InvalidSourceError('file: source without a path');
    return { kind: 'file', path };
  }
  if (source.startsWith('synthetic:'))
    return { kind: 'synthetic', params: parseSynthetic(source.slice('synthetic:'.length)) };
  throw new InvalidSourceError(
    `unknown topology source "${source.slice(0, 200)}": expected file:PATH or synthetic:substations=N&nodes=M&seed=S`,
  );
}

function checkNodeCount(nodes: number, limits: TopologyLimits | undefined, what: string): void {
  if (limits && nodes > limits.maxNodes)
    throw new TopologyTooLargeError(
      `${what} has ${count(nodes)} nodes, over the limit of ${count(limits.maxNodes)}`,
      'maxNodes',
    );
}

/** The file of a `file:` source inside `baseDir`, refused when it escapes it or is over `maxBytes`. */
async function checkedFilePath(
  file: string,
  options: { baseDir?: string; limits?: TopologyLimits },
): Promise<string> {
  let path = resolve(file);
  if (options.baseDir !== undefined) {
    path = resolve(options.baseDir, file);
    const inside = relative(resolve(options.baseDir), path);
    if (inside.startsWith('..') || isAbsolute(inside))
      throw new InvalidSourceError(`${file} is outside the topology directory`);
  }
  if (options.limits) {
    const { size } = await stat(path);
    if (size > options.limits.maxBytes)
      throw new TopologyTooLargeError(
        `${file} has ${count(size)} bytes, over the limit of ${count(options.limits.maxBytes)}`,
        'maxBytes',
      );
  }
  return path;
}

/**
 * What identifies a source's content without building it: `synthetic:substations=N&nodes=M&seed=S`
 * (parameters in this order; generation is deterministic) or `file-sha256:<hex>` of the file's bytes.
 * The same checks as `loadTopologySource` come first (limits, the topology directory).
 */
export async function topologySourceKey(
  source: string,
  options: { baseDir?: string; limits?: TopologyLimits } = {},
): Promise<string> {
  const parsed = parseSource(source);
  if (parsed.kind === 'synthetic') {
    const { substations, nodes, seed } = parsed.params;
    checkNodeCount(substations * nodes, options.limits, `${substations} substations × ${nodes} nodes`);
    return `synthetic:substations=${substations}&nodes=${nodes}&seed=${seed}`;
  }
  const bytes = await readFile(await checkedFilePath(parsed.path, options));
  return `file-sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Loads a topology source. `file:` paths resolve inside `baseDir` when it is given, and a path that
 * escapes it is refused. With `limits`, a source over them is refused before anything is generated,
 * read or parsed (TopologyTooLargeError).
 */
export async function loadTopologySource(
  source: string,
  options: { baseDir?: string; limits?: TopologyLimits } = {},
): Promise<TopologyJson> {
  const { limits } = options;
  const parsed = parseSource(source);
  if (parsed.kind === 'synthetic') {
    const { substations, nodes } = parsed.params;
    checkNodeCount(substations * nodes, limits, `${substations} substations × ${nodes} nodes`);
    return generateSynthetic(parsed.params);
  }
  const path = await checkedFilePath(parsed.path, options);
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidSourceError(`${parsed.path} is not valid JSON: ${(error as Error).message}`);
  }
  const topology = parseTopology(json);
  checkNodeCount(topology.nodes.length, limits, parsed.path);
  return topology;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of a value's canonical JSON (keys sorted): the same content has the same hash. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

/** sha256 of the topology's canonical JSON (keys sorted): the same content has the same hash. */
export function contentHash(json: TopologyJson): string {
  return canonicalHash(json);
}
