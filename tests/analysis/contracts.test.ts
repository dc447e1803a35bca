/**
 * Contract decisions: HiGHS's mixed-integer choice against brute force — every signed / not-signed
 * combination fixed and the rest solved as an LP by GLPK — on generated networks, and the standard
 * contracts scenario read in words.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { contracts } from '../../server/analysis/contracts.ts';
import { prepare } from '../../server/analysis/common.ts';
import type { LpModel } from '../../server/core/lp.ts';
import { Scenario, type Network } from '../../server/core/schema.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { randomNetwork } from '../core/generate-network.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { defaultNetwork, standardScenario } from './helpers.ts';

afterAll(async () => {
  await shutdownSolverPool();
});

function withContracts(seed: number): Network {
  const n = randomNetwork(seed);
  let k = 0;
  return {
    ...n,
    markets: n.markets.map((m) => {
      if (m.domestic) return m;
      k++;
      return { ...m, contract: { minTonnesPerYear: 10 + ((seed * 7 + k * 13) % 40), fixedCostUsdPerYear: 100 + ((seed * 31 + k * 17) % 1400) } };
    }),
  };
}

/** Best margin over every open/closed combination, optionally with one market fixed. */
async function bruteForce(model: LpModel, openVars: Map<string, number>, fixed?: { market: string; value: 0 | 1 }): Promise<number | null> {
  const ids = [...openVars.keys()];
  let best: number | null = null;
  for (let mask = 0; mask < 1 << ids.length; mask++) {
    const pick = ids.map((_, i) => ((mask >> i) & 1) as 0 | 1);
    if (fixed && pick[ids.indexOf(fixed.market)] !== fixed.value) continue;
    const variables = model.variables.map((v, j) => {
      const at = ids.findIndex((id) => openVars.get(id) === j);
      return at < 0 ? v : { ...v, kind: 'continuous' as const, lb: pick[at], ub: pick[at] };
    });
    const r = await solveWithGlpk({ ...model, variables });
    if (r.status === 'optimal' && (best === null || r.objective > best)) best = r.objective;
  }
  return best;
}

const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)) + 1e-4);

describe('contract decisions', () => {
  it('agree with brute force over every open/closed combination (GLPK per combination)', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom(0, 0.3, 0.5), async (seed, share) => {
        const network = withContracts(seed);
        const scenario = Scenario.parse({ name: `generated ${seed}`, phase: 1, policy: { domesticShare: share }, mip: { contracts: true } });
        const report = await contracts(scenario, network, { solve: solveModelInProcess });
        const { built } = prepare(scenario, network);
        const best = await bruteForce(built.model, built.index.open);
        if (best === null) {
          expect(report.status).toBe('infeasible');
          return;
        }
        cases++;
        expect(report.status).toBe('optimal');
        expect(close(report.marginUsd, Math.round(best * 100) / 100)).toBe(true);
        for (const c of report.contracts) {
          const ifSigned = await bruteForce(built.model, built.index.open, { market: c.marketId, value: 1 });
          const ifNot = await bruteForce(built.model, built.index.open, { market: c.marketId, value: 0 });
          const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
          expect(close(c.marginIfSignedUsd, round2(ifSigned))).toBe(true);
          expect(close(c.marginIfNotSignedUsd, round2(ifNot))).toBe(true);
          if (ifSigned !== null && ifNot !== null && Math.abs(ifSigned - ifNot) > 1e-3) expect(c.sign).toBe(ifSigned > ifNot);
        }
      }),
      { numRuns: 25, seed: 20271 },
    );
    expect(cases).toBeGreaterThan(10);
  });

  it('the standard contracts scenario: each decision has its volume, contribution, fixed cost and the price of reversing it', async () => {
    const report = await contracts(standardScenario('contracts-mip'), defaultNetwork(), { solve: solveModelInProcess });
    expect(report.status).toBe('optimal');
    expect(report.contracts.map((c) => c.marketId).sort()).toEqual(['astrakhan', 'baku_alat', 'makhachkala', 'samara']);
    for (const c of report.contracts) {
      expect(c.lossIfReversedUsd).not.toBeNull();
      expect(c.lossIfReversedUsd!).toBeGreaterThanOrEqual(0);
      if (c.sign) {
        expect(c.tonnes).toBeGreaterThanOrEqual(c.minTonnesPerYear - 1e-6);
        expect(c.netUsd).toBeCloseTo(c.contributionUsd - c.fixedCostUsd, 2);
        expect(c.explanation).toMatch(/^Sign /);
      } else {
        expect(c.tonnes).toBe(0);
        expect(c.explanation).toMatch(/^Do not sign /);
      }
      expect(Math.max(c.marginIfSignedUsd ?? -Infinity, c.marginIfNotSignedUsd ?? -Infinity)).toBeCloseTo(report.marginUsd!, 2);
    }
  });

  it('at phase 1, a contract in a market that opens with phase 2 is said as such, not as leaving no feasible plan', async () => {
    const report = await contracts(standardScenario('contracts-mip', { phase: 1 }), defaultNetwork(), { solve: solveModelInProcess });
    const samara = report.contracts.find((c) => c.marketId === 'samara')!;
    expect(samara.sign).toBe(false);
    expect(samara.explanation).toBe('Do not sign Samara region (RU, by rail): the market opens with phase 2, and this plan is at phase 1.');
  });
});
