import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { generateSynthetic, type SyntheticParams } from './synthetic.js';
import { parseTopology, type TopologyJson } from './topology-format.js';

export type TopologySource = { kind: 'file'; path: string } | { kind: 'synthetic'; params: SyntheticParams };

export class InvalidSourceError extends Error {
  override name = 'InvalidSourceError';
}

const SYNTHETIC_KEYS = ['substations', 'nodes', 'seed'] as const;

/** `file:PATH` or `synthetic:substations=N&nodes=M&seed=S`. */
export function parseSource(source: string): TopologySource {
  if (source.startsWith('file:')) {
    const path = source.slice('file:'.length);
    if (!path) throw new InvalidSourceError('file: source without a path');
    return { kind: 'file', path };
  }
  if (source.startsWith('synthetic:')) {
    const query = new URLSearchParams(source.slice('synthetic:'.length));
    const unknown = [...query.keys()].filter((key) => !(SYNTHETIC_KEYS as readonly string[]).includes(key));
    if (unknown.length)
      throw new InvalidSourceError(
        `unknown synthetic parameters: ${unknown.join(', ')} (expected ${SYNTHETIC_KEYS.join(', ')})`,
      );
    const read = (key: (typeof SYNTHETIC_KEYS)[number], min: number, max: number) => {
      const raw = query.get(key);
      const value = Number(raw);
      if (raw === null || !Number.isInteger(value) || value < min || value > max) {
        throw new InvalidSourceError(
          `synthetic ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
        );
      }
      return value;
    };
    return {
      kind: 'synthetic',
      params: {
        substations: read('substations', 1, 10_000),
        nodes: read('nodes', 1, 100_000),
        seed: read('seed', 0, 2 ** 32 - 1),
      },
    };
  }
  throw new InvalidSourceError(
    `unknown topology source "${source}": expected file:PATH or synthetic:substations=N&nodes=M&seed=S`,
  );
}

/**
 * Loads a topology source. `file:` paths resolve inside `baseDir` when it is given, and a path that
 * escapes it is refused.
 */
export async function loadTopologySource(
  source: string,
  options: { baseDir?: string } = {},
): Promise<TopologyJson> {
  const parsed = parseSource(source);
  if (parsed.kind === 'synthetic') return generateSynthetic(parsed.params);
  let path = resolve(parsed.path);
  if (options.baseDir !== undefined) {
    path = resolve(options.baseDir, parsed.path);
    const inside = relative(resolve(options.baseDir), path);
    if (inside.startsWith('..') || isAbsolute(inside))
      throw new InvalidSourceError(`${parsed.path} is outside the topology directory`);
  }
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidSourceError(`${parsed.path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseTopology(json);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the topology's canonical JSON (keys sorted): the same content has the same hash. */
export function contentHash(json: TopologyJson): string {
  return createHash('sha256').update(canonical(json)).digest('hex');
}
