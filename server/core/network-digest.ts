/**
 * Which network a run was planned on, as the figures it holds: a digest that leaves out citations
 * (every `sources`, wherever it sits) and the network's own name and version (labels), and what two
 * runs' networks have in common (the note over a comparison). Browser-safe, pure: the server's
 * comparison and the page's say the same.
 */
import { canonicalJson } from './hash.ts';
import type { Network } from './schema.ts';

/**
 * A citation: a `sources` field holding text by figure (`Sources`). A record keyed by ids may have an
 * entry whose id is "sources" (a supplier's calibration, say): its value is a figure, and it stays.
 */
const isCitation = (key: string, value: unknown): boolean =>
  key === 'sources' && typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
const digests = new WeakMap<Network, string>();

/** SHA-256 of a network's figures (canonical JSON without citations, name and version), once per network object. */
export function networkDigest(network: Network, sha256: (text: string) => string): string {
  let digest = digests.get(network);
  if (digest === undefined) {
    digest = sha256(canonicalJson({ ...network, name: undefined, version: undefined }, isCitation));
    digests.set(network, digest);
  }
  return digest;
}

/** What a stored run says of its network: its own (in its scenario) or the default one, at the version its plan records. */
export interface RunNetwork {
  readonly scenario: { readonly network?: Network | undefined };
  readonly plan: { readonly networkVersion?: string | undefined };
}

export type NetworkKind = 'default' | 'own';

/** How two runs' networks differ: each side's kind and, for the default network at two versions, the versions. */
export interface NetworkMismatch {
  readonly a: NetworkKind;
  readonly b: NetworkKind;
  readonly versions: { readonly a: string; readonly b: string } | null;
}

/**
 * How two runs' networks differ, or null when their figures are the same as far as the runs tell:
 * - a network of its own against the default one;
 * - two networks of their own with different figures;
 * - the default network at two versions (a data release between the runs; runs whose plans
 *   record no version, made before plans did, are taken as on the same one).
 */
export function networkMismatch(a: RunNetwork, b: RunNetwork, sha256: (text: string) => string): NetworkMismatch | null {
  const ownA = a.scenario.network;
  const ownB = b.scenario.network;
  if (ownA && ownB) return networkDigest(ownA, sha256) === networkDigest(ownB, sha256) ? null : { a: 'own', b: 'own', versions: null };
  if (ownA || ownB) return { a: ownA ? 'own' : 'default', b: ownB ? 'own' : 'default', versions: null };
  const va = a.plan.networkVersion;
  const vb = b.plan.networkVersion;
  return va !== undefined && vb !== undefined && va !== vb ? { a: 'default', b: 'default', versions: { a: va, b: vb } } : null;
}
