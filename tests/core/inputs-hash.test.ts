/**
 * The run's inputsHash (server/core/pipeline.ts, inputsHasher) against its definition, and the
 * awkward cases of canonical JSON (tests/core/hash.test.ts has the property test).
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../server/core/hash.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';

/** The definition, written out: keys sorted by UTF-16 code units, undefined fields dropped, non-finite numbers as strings. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

describe('canonicalJson: the awkward cases', () => {
  it('sorts integer-like keys as strings, not numerically', () => {
    expect(canonicalJson({ 10: 'a', 2: 'b', x: { 1: 1, 0: 0 } })).toBe('{"10":"a","2":"b","x":{"0":0,"1":1}}');
  });

  it('keeps a field named __proto__ as data', () => {
    const parsed = JSON.parse('{"__proto__":{"z":1},"a":[1,null]}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"z":1},"a":[1,null]}');
  });

  it('does not let a toJSON or a class instance change the text', () => {
    const date = new Date(0);
    expect(canonicalJson({ when: date })).toBe(reference({ when: date }));
    expect(canonicalJson({ m: new Map([[1, 2]]) })).toBe('{"m":{}}');
  });

  it('hashes the default network to the same identity as its definition', () => {
    const network = loadDefaultNetwork();
    expect(sha256Hex(canonicalJson(network))).toBe(sha256Hex(reference(network)));
  });
});

describe('inputsHasher', () => {
  it('hashes the canonical JSON of engine, version, model version, the base network’s digest without sources and the scenario', async () => {
    const { inputsHasher, MODEL_VERSION } = await import('../../server/core/pipeline.ts');
    const { networkDigest } = await import('../../server/core/network-digest.ts');
    const { Scenario } = await import('../../server/core/schema.ts');
    const scenario = Scenario.parse({ name: 'hash', phase: 2, engine: 'highs' });
    const network = loadDefaultNetwork();
    // Every citation left out, wherever it sits, and the network's own name and version (labels).
    const withoutSources = { ...(JSON.parse(JSON.stringify(network, (k, v) => (k === 'sources' ? undefined : v))) as object), name: undefined, version: undefined };
    const digest = sha256Hex(reference(withoutSources));
    expect(networkDigest(network, sha256Hex)).toBe(digest);
    const whole = { modelVersion: MODEL_VERSION, engine: 'highs', engineVersion: '1.2.3', scenario: { ...scenario, network: undefined, engine: undefined }, network: digest };
    const hasher = inputsHasher(scenario, network, sha256Hex);
    expect(hasher('highs', '1.2.3')).toBe(sha256Hex(reference(whole)));
    expect(hasher('none', '')).toBe(sha256Hex(reference({ ...whole, engine: 'none', engineVersion: '' })));
    // Citations are not inputs; any other figure is.
    const recited = { ...network, legs: network.legs.map((l, i) => (i === 0 ? { ...l, sources: { note: 'another citation' } } : l)) } as typeof network;
    expect(inputsHasher(scenario, recited, sha256Hex)('highs', '1.2.3')).toBe(hasher('highs', '1.2.3'));
    // Citations deeper down (a market's whole demand, a border friction) and the labels neither.
    const demandAt = network.markets.findIndex((m) => m.demand);
    expect(demandAt).toBeGreaterThanOrEqual(0);
    expect(network.borderFrictions.length).toBeGreaterThan(0);
    const relabelled: (typeof network)[] = [
      { ...network, markets: network.markets.map((m, i) => (i === demandAt ? { ...m, demand: { ...m.demand!, sources: { blocks: 'ESTIMATE: another citation' } } } : m)) },
      { ...network, borderFrictions: network.borderFrictions.map((f, i) => (i === 0 ? { ...f, sources: { cost: 'another citation' } } : f)) },
      { ...network, name: 'A copy', version: 'copy-1' },
    ];
    for (const n of relabelled) expect(inputsHasher(scenario, n, sha256Hex)('highs', '1.2.3')).toBe(hasher('highs', '1.2.3'));
    // A figure keyed by an id that happens to be "sources" (a supplier's calibration) is a figure, not a citation.
    const calibrated = (factor: number) => ({ ...network, calibration: { adjustments: { cashCostBySupplier: { sources: factor } } } }) as unknown as typeof network;
    expect(networkDigest(calibrated(1), sha256Hex)).not.toBe(networkDigest(calibrated(900), sha256Hex));
    const moved = { ...network, plants: network.plants.map((p, i) => (i === 0 ? { ...p, variableCostUsdPerTonne: p.variableCostUsdPerTonne + 1 } : p)) };
    expect(inputsHasher(scenario, moved, sha256Hex)('highs', '1.2.3')).not.toBe(hasher('highs', '1.2.3'));
    expect(inputsHasher({ ...scenario, phase: 1 }, network, sha256Hex)('highs', '1.2.3')).not.toBe(hasher('highs', '1.2.3'));
  });
});
