/**
 * The model-size count keeps a network's whole flow count per network object once it has counted
 * it to the end: asked again, in any order and under any cap, it answers as for a fresh copy.
 */
import { describe, expect, it } from 'vitest';
import { estimateModelSize } from '../../server/core/size.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { scenario } from './fixtures.ts';

/** What a cap decides: over it or not, and the exact count when not. */
const decision = (s: Scenario, network: Network, cap: number) => {
  const size = estimateModelSize(s, network, cap);
  return size.overCap ? { overCap: true } : { overCap: false, variables: size.variables };
};

describe('the model size, asked again of the same network object', () => {
  const annual = scenario();
  const monthly = scenario({ horizon: { kind: 'monthly', year: 2027 } });
  const cases: [string, () => Network][] = [
    ['default network', loadDefaultNetwork],
    ['generated network of ~20,000 variables', () => generateNetwork(20_000, 3).network],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the same answer as a fresh copy under every cap, capped first or not`, () => {
      for (const s of [annual, monthly]) {
        const exact = estimateModelSize(s, structuredClone(make()), Infinity).variables;
        expect(exact).toBeGreaterThan(0);
        const caps = [Infinity, exact + 1, exact, exact - 1, Math.floor(exact / 2), 1];
        for (const order of [caps, [...caps].reverse()]) {
          const network = make();
          for (const cap of order) expect(decision(s, network, cap)).toEqual(decision(s, structuredClone(network), cap));
          expect(decision(s, network, exact)).toEqual({ overCap: false, variables: exact });
          expect(decision(s, network, exact - 1)).toEqual({ overCap: true });
        }
      }
    });
  }
});
