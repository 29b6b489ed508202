import type { BuiltTopology } from './build-topology.js';
import { canonicalHash } from './source.js';

/**
 * The content hash of each selection's own part of a built topology (DESIGN §6 `reuse`): sha256 of
 * the canonical JSON of its substation as the calculation sees it — the substation id and every node
 * it feeds (id, annualKwh, profile, pvKwp, parent) with the cable feeding that node (id, capacityKw).
 * A change in another substation leaves it as it is; a change of its own nodes or cables changes it.
 * The built form does not depend on the order of the input file, so neither does the hash.
 */
export function selectionHashes(topology: BuiltTopology): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const substation of topology.substations)
    hashes[substation.id] = canonicalHash({ selectionHash: 1, substation });
  return hashes;
}
