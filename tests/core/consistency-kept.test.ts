/**
 * The consistency check keeps what it works out of a network per network object: the answers for
 * the same object asked again are those for a fresh copy of it, and a caller changing a returned
 * list changes nothing for the next caller.
 */
import { describe, expect, it } from 'vitest';
import { checkNetwork, checkScenario } from '../../server/core/consistency.ts';
import type { Network } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { scenario, tinyNetwork } from './fixtures.ts';

/** The tiny network with a leg to nowhere, a negative capacity and an id used twice. */
function brokenNetwork(): Network {
  const net = tinyNetwork();
  const [first, ...rest] = net.legs;
  return {
    ...net,
    legs: [{ ...first!, to: 'nowhere', capacityTonnesPerYear: -5 }, ...rest, { ...first!, id: rest[0]?.id ?? 'twice' }],
  };
}

const scenarios = [
  scenario(),
  scenario({ volumesTonnesPerYear: { nowhere: 10 } }),
  scenario({ overrides: { legs: { 'no-such-leg': { usdPerTonneKm: 0.1 } }, markets: { 'no-such-market': { priceMultiplier: 2 } } } }),
  scenario({ horizon: { kind: 'multi-year', fromYear: 2030, toYear: 2027 } }),
  scenario({ market: 'clearing', objective: 'min-cost' }),
];

describe('the consistency check, asked again of the same network object', () => {
  for (const [name, make] of [
    ['default network', loadDefaultNetwork],
    ['broken network', brokenNetwork],
  ] as const) {
    it(`${name}: the same problems as for a fresh copy, every time`, () => {
      const network = make();
      for (const s of scenarios) {
        const first = checkScenario(s, network);
        const again = checkScenario(s, network);
        const fresh = checkScenario(s, structuredClone(network));
        expect(again).toEqual(first);
        expect(first).toEqual(fresh);
      }
      expect(checkNetwork(network)).toEqual(checkNetwork(structuredClone(network)));
    });
  }

  it('finds the broken network broken (the lists compared above are not all empty)', () => {
    const problems = checkNetwork(brokenNetwork());
    expect(problems.map((p) => p.path.join('.'))).toEqual(expect.arrayContaining(['network.legs.0.to', 'network.legs.0.capacityTonnesPerYear']));
  });

  it('a caller changing a returned list or path does not change the next answer', () => {
    const network = brokenNetwork();
    const first = checkNetwork(network);
    const count = first.length;
    const path = [...first[0]!.path];
    first.push({ path: ['added'], message: 'added by the caller' });
    first[0]!.path.push('changed');
    const fromScenario = checkScenario(scenario({ volumesTonnesPerYear: { nowhere: 10 } }), network);
    expect(fromScenario.length).toBe(count + 1);
    const again = checkNetwork(network);
    expect(again.length).toBe(count);
    expect(again[0]!.path).toEqual(path);
  });
});
