/** Loads the default network from data/network.json (Node only: uses fs). */
import { readFileSync } from 'node:fs';
import { Network } from '../core/schema.ts';
import { resolveDistances } from '../geo/distances.ts';

export const DEFAULT_NETWORK_URL = new URL('../../data/network.json', import.meta.url);

/** The network as written in data/network.json, validated, without computed distances. */
export function readDefaultNetworkRaw(): Network {
  const json: unknown = JSON.parse(readFileSync(DEFAULT_NETWORK_URL, 'utf8'));
  return Network.parse(json);
}

/** The default network, validated, with every leg's `distanceKm` filled (from geometry when absent). */
export function loadDefaultNetwork(): Network {
  return resolveDistances(readDefaultNetworkRaw());
}
