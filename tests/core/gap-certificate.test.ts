/**
 * The certificate that spares a price gap its re-solves (server/core/gap-certificate.ts: an edge
 * of the plan's own basis, or the move to the re-solve that holds the first tonnes, followed as
 * far as the model allows) gives the gaps the re-solves give: the same pipeline with the engine's
 * edges withheld decides every gap by re-solving, and on generated networks GLPK, an independent
 * engine, re-solves 0.02 USD/t either side of every gap. On a hand-made LP the certificate's bound
 * is checked against what it must say and refuse.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { planShortfallUsd, servedTonnesAtLeast, soldTonnesAtMost } from '../../server/core/gap-certificate.ts';
import type { LpModel } from '../../server/core/lp.ts';
import { buildModel } from '../../server/core/model.ts';
import { networkForScenario, runPipeline, SERVED_TONNES, type SolveFn } from '../../server/core/pipeline.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import { Scenario, type Network } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { generateNetwork } from '../../server/solver/generate-network.ts';
import { solveWithHighs } from '../../server/solver/highs.ts';
import { solveModelInProcess } from '../../server/solver/inProcess.ts';
import { shutdownSolverPool } from '../../server/solver/solve.ts';
import { solveWithGlpk } from '../oracle/glpk.ts';
import { SCENARIO_DIR, scenarioFiles } from '../support/scenario-files.ts';
import { randomNetwork } from './generate-network.ts';
import { scenario } from './fixtures.ts';

afterAll(() => shutdownSolverPool());

/** A solve function that counts its solves; `withEdges: false` withholds the basis's edges. */
function counting(withEdges: boolean): { solve: SolveFn; solves: () => number } {
  let n = 0;
  const solve: SolveFn = (model, { edgeGroups, ...request }) => {
    n++;
    return solveModelInProcess(model, withEdges && edgeGroups ? { ...request, edgeGroups } : request);
  };
  return { solve, solves: () => n };
}

const gaps = (plan: Plan) => plan.markets.filter((m) => m.tonnes === 0 && m.demandTonnes > 0).map((m) => ({ market: m.id, gap: m.priceGapUsdPerTonne }));

async function bothWays(s: Scenario, network: Network) {
  const certified = counting(true);
  const resolved = counting(false);
  const withCertificates = await runPipeline(s, network, certified.solve, { policyCost: false });
  const byResolves = await runPipeline(s, network, resolved.solve, { policyCost: false });
  return { withCertificates, byResolves, certifiedSolves: certified.solves(), resolvedSolves: resolved.solves() };
}

describe('shipped scenarios: the certified gaps are the re-solved ones', () => {
  const base = loadDefaultNetwork();
  const lpFiles = scenarioFiles('price-taker').filter((f) => {
    const s = Scenario.parse(JSON.parse(readFileSync(new URL(f, SCENARIO_DIR), 'utf8')));
    return !s.mip.contracts && !s.mip.seaLots;
  });

  it.each(lpFiles)('%s', async (file) => {
    const s = Scenario.parse(JSON.parse(readFileSync(new URL(file, SCENARIO_DIR), 'utf8')));
    const { withCertificates, byResolves, certifiedSolves, resolvedSolves } = await bothWays(s, base);
    expect(withCertificates.status).toBe('optimal');
    expect(gaps(withCertificates).length).toBeGreaterThan(0);
    expect(gaps(withCertificates)).toEqual(gaps(byResolves));
    // The certificates stood in for re-solves.
    expect(certifiedSolves).toBeLessThan(resolvedSolves);
  });

  it('the default phase-1 plan needs no re-solve for its gaps: the plan’s solve is the only one', async () => {
    const s = Scenario.parse(JSON.parse(readFileSync(new URL('phase1-annual.json', SCENARIO_DIR), 'utf8')));
    const { withCertificates, certifiedSolves } = await bothWays(s, base);
    expect(gaps(withCertificates).length).toBeGreaterThan(2);
    expect(certifiedSolves).toBe(1);
  });
});

describe('generated networks: the certified gaps hold when GLPK re-solves either side', () => {
  /** Both ways agree, and GLPK serves the market 0.02 USD/t above each gap and not 0.02 below. */
  async function check(label: string, network: Network, s: Scenario): Promise<{ checked: number; saved: number }> {
    const { withCertificates, byResolves, certifiedSolves, resolvedSolves } = await bothWays(s, network);
    if (withCertificates.status !== 'optimal') return { checked: 0, saved: 0 };
    expect({ label, gaps: gaps(withCertificates) }).toEqual({ label, gaps: gaps(byResolves) });
    let checked = 0;
    for (const { market, gap } of gaps(withCertificates)) {
      if (gap === null) continue;
      const tonnesAt = async (shiftUsdPerTonne: number) => {
        const shifted = Scenario.parse({ ...s, overrides: { ...s.overrides, markets: { [market]: { priceShiftUsdPerTonne: shiftUsdPerTonne } } } });
        const built = buildModel(networkForScenario(shifted, network), shifted);
        const r = await solveWithGlpk(built.model);
        if (r.status !== 'optimal') throw new Error(`GLPK: ${r.status}`);
        return (built.index.salesOfMarket.get(market) ?? []).reduce((sum, j) => sum + r.values[j]!, 0);
      };
      if (gap >= 0.02) expect({ label, market, servedBelow: (await tonnesAt(gap - 0.02)) > SERVED_TONNES }).toEqual({ label, market, servedBelow: false });
      expect({ label, market, servedAbove: (await tonnesAt(gap + 0.02)) > SERVED_TONNES }).toEqual({ label, market, servedAbove: true });
      checked++;
    }
    return { checked, saved: resolvedSolves - certifiedSolves };
  }

  it('networks of a few hundred tonnes (most gaps re-solved: short edges prove little)', async () => {
    let checked = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const s = scenario({ policy: { domesticShare: (seed % 4) * 0.2, basis: seed % 2 === 0 ? 'sales' : 'production' } });
      checked += (await check(`random ${seed}`, randomNetwork(seed * 104_729), s)).checked;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('networks of million-tonne plants and 400 to 900 variables (most gaps certified)', async () => {
    let checked = 0;
    let saved = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const s = scenario({ policy: { domesticShare: (seed % 4) * 0.2, basis: seed % 2 === 0 ? 'sales' : 'production' } });
      const r = await check(`generated ${seed}`, generateNetwork(300 + 100 * seed, seed).network, s);
      checked += r.checked;
      saved += r.saved;
    }
    expect(checked).toBeGreaterThan(20);
    expect(saved).toBeGreaterThan(checked / 2);
  });
});

describe('the certificates on a hand-made LP', () => {
  /**
   * One plant of 100 t at 10 USD/t sells to A at 50 and, through a flow of B's own, to B at 45 USD/t
   * (up to `bDemand` t): it sells A 100 t and B nothing, and B is served once its price rises past
   * 5 USD/t. Columns: 0 prod, 1 sale:a, 2 sale:b, 3 flow:b.
   */
  const lp = (bDemand: number, aMinimum = 0): LpModel => ({
    name: 'two markets',
    sense: 'max',
    variables: [
      { name: 'prod', lb: 0, ub: 100, cost: -10, kind: 'continuous' },
      { name: 'sale:a', lb: 0, ub: 100, cost: 50, kind: 'continuous' },
      { name: 'sale:b', lb: 0, ub: bDemand, cost: 45, kind: 'continuous' },
      { name: 'flow:b', lb: 0, ub: Infinity, cost: 0, kind: 'continuous' },
    ],
    rows: [
      { name: 'balance', family: 'balance', label: 'balance, t', terms: [{ v: 0, coef: 1 }, { v: 1, coef: -1 }, { v: 3, coef: -1 }], lb: 0, ub: 0 },
      { name: 'deliver:b', family: 'deliver', label: 'B delivered, t', terms: [{ v: 2, coef: 1 }, { v: 3, coef: -1 }], lb: 0, ub: 0 },
      { name: 'contract', family: 'contract-min', label: 'A contract, t', terms: [{ v: 1, coef: 1 }], lb: aMinimum, ub: Infinity },
    ],
  });
  const planOf = async (model: LpModel) => {
    const r = await solveWithHighs(model, { timeLimitMs: 10_000, edgeGroups: [{ enter: [2], otherwise: [3] }] });
    if (r.status !== 'optimal') throw new Error(r.status);
    expect([r.values[2], r.values[3]]).toEqual([0, 0]);
    return { ...r, shortfall: planShortfallUsd(model, r.values, r.sensitivity!.rowDuals) };
  };
  const servedAbove = async (model: LpModel, shiftUsdPerTonne: number, stillOptimalAtUsdPerTonne: number) => {
    const r = await planOf(model);
    return servedTonnesAtLeast({
      model,
      values: r.values,
      planShortfallUsd: r.shortfall,
      edges: r.sensitivity?.edges ?? [],
      saleColumns: [2],
      netShare: 1,
      shiftUsdPerTonne,
      stillOptimalAtUsdPerTonne,
      valueGainAtMostUsd: r.shortfall,
    });
  };
  const soldBelow = async (model: LpModel, shiftUsdPerTonne: number) => {
    const r = await planOf(model);
    return soldTonnesAtMost({
      model,
      rowDuals: r.sensitivity!.rowDuals,
      marketColumns: [2, 3],
      saleColumns: [2],
      netShare: 1,
      shiftUsdPerTonne,
      repairedAtUsdPerTonne: shiftUsdPerTonne + 0.0025,
      planShortfallUsd: r.shortfall,
    });
  };

  it('the plan’s value is the optimum: weak duality leaves only rounding', async () => {
    const r = await planOf(lp(100));
    expect(r.shortfall).toBeGreaterThanOrEqual(0);
    expect(r.shortfall).toBeLessThan(1e-6);
  });

  it('the repaired prices show B unserved just below its gap, and cannot just above it', async () => {
    expect(await soldBelow(lp(100), 4.995)).toBeLessThan(SERVED_TONNES);
    expect(await soldBelow(lp(100), 5.005)).toBe(Infinity);
  });

  it('an edge proves B served just above its gap, moving A’s tonnes to B', async () => {
    // Every optimum at 5.005 sells B 100 t; the bound is half of it with the plan known optimal at 4.995.
    const tonnes = await servedAbove(lp(100), 5.005, 4.995);
    expect(tonnes).toBeGreaterThan(SERVED_TONNES);
    expect(tonnes).toBeLessThanOrEqual(100);
  });

  it('no edge shows anything below the gap', async () => {
    expect(await servedAbove(lp(100), 4.99, 0)).toBe(0);
  });

  it('refuses when the edge reaches less than a served market (B buys 0.5 t at most)', async () => {
    expect(await servedAbove(lp(0.5), 5.005, 4.995)).toBeLessThanOrEqual(SERVED_TONNES);
  });

  it('refuses when the basis blocks the edge at once (A held at its 100 t by a contract)', async () => {
    expect(await servedAbove(lp(100, 100), 5.005, 4.995)).toBe(0);
  });
});
