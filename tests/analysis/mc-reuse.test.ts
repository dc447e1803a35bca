/**
 * Reusing the solver's model across draws: a draw solved from the kept tableau equals the same draw
 * with the solver's model rebuilt (status, objective and every variable within 1e-6 relative), for
 * seeded Monte Carlo draws of the price-taker plans and for generated LPs whose costs and bounds move
 * (some draws infeasible); a model of another structure falls back to a rebuild.
 */
import { describe, expect, it } from 'vitest';
import type { LpModel, SolveResult } from '../../server/core/lp.ts';
import { buildFastModel, drawModel, drawMultipliers, emptyTable, runDraws, type DrawSpec, type Uncertainty } from '../../server/analysis/montecarlo.ts';
import { ReusableJsLpSolver } from '../../server/solver/jsLpReusable.ts';
import { solveWithJsLpSolver } from '../../server/solver/jsLpSolver.ts';
import { generateTransportModel, mulberry32 } from '../../server/solver/generate.ts';
import { defaultNetwork, standardScenario } from './helpers.ts';

const OPTIONS = { timeLimitMs: 30_000 };

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** Differences between two results of the same model (empty when they agree). */
function differences(reused: SolveResult, rebuilt: SolveResult, model: LpModel): string[] {
  if (reused.status !== rebuilt.status) return [`status ${reused.status} vs ${rebuilt.status}`];
  if (reused.status !== 'optimal' || rebuilt.status !== 'optimal') return [];
  const out: string[] = [];
  if (!close(reused.objective, rebuilt.objective)) out.push(`objective ${reused.objective} vs ${rebuilt.objective}`);
  reused.values.forEach((x, j) => {
    if (!close(x, rebuilt.values[j])) out.push(`${model.variables[j].name} ${x} vs ${rebuilt.values[j]}`);
  });
  return out;
}

const uncertainties: Uncertainty[] = [
  { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.25 } },
  { parameter: 'price', group: 'domestic', distribution: { type: 'triangular', min: 0.7, mode: 1, max: 1.2 } },
  { parameter: 'price', market: 'baku_alat', distribution: { type: 'uniform', min: 0, max: 1.5 } },
  { parameter: 'freight', mode: 'rail', distribution: { type: 'uniform', min: 0.7, max: 1.6 } },
  { parameter: 'freight', mode: 'sea', distribution: { type: 'empirical', values: [0.8, 1, 1.1, 1.5] } },
  { parameter: 'freight', mode: 'road', distribution: { type: 'normal', mean: 1, sd: 0.2 } },
  { parameter: 'demand', group: 'all', distribution: { type: 'normal', mean: 1, sd: 0.2 } },
  { parameter: 'demand', market: 'atyrau', distribution: { type: 'empirical', values: [0, 0.5, 1.5] } },
];

describe('Monte Carlo draws from the kept solver model', () => {
  it.each(['phase1-annual', 'phase2-annual'])('%s: 60 seeded draws equal a full rebuild of each draw', async (file) => {
    const fast = buildFastModel(standardScenario(file), defaultNetwork());
    const kept = new ReusableJsLpSolver(fast.model);
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const model = drawModel(fast, drawMultipliers(fast.markets, uncertainties, 7, i));
      const reused = await kept.solve(model, OPTIONS);
      const rebuilt = await solveWithJsLpSolver(model, OPTIONS);
      expect(differences(reused, rebuilt, model), `draw ${i}`).toEqual([]);
      if (reused.status === 'optimal') seen.add(reused.objective.toFixed(0));
    }
    // Every draw went through the kept tableau, and the draws really differ.
    expect(kept.stats).toEqual({ reused: 60, rebuilt: 0 });
    expect(seen.size).toBeGreaterThan(50);
  });

  it('runDraws fills the same table whether draws reuse the solver model or rebuild it', async () => {
    const fast = buildFastModel(standardScenario('phase1-annual'), defaultNetwork());
    const spec: DrawSpec = { seed: 21, uncertainties };
    const reused = emptyTable(40, fast.markets.length);
    const rebuilt = emptyTable(40, fast.markets.length);
    await runDraws(fast, { ...spec, solving: 'reuse' }, 100, 140, reused, 100);
    await runDraws(fast, { ...spec, solving: 'rebuild' }, 100, 140, rebuilt, 100);
    expect(reused).toEqual(rebuilt);
    expect(Array.from(reused.status).filter((s) => s === 0).length).toBeGreaterThan(30);
  });
});

describe('ReusableJsLpSolver on generated LPs', () => {
  /**
   * The model with costs and finite bounds of rows and variables scaled at random (same structure);
   * `raiseMinimums` multiplies the rows' lower bounds (minimum demand) by 4: likely infeasible.
   */
  function perturbed(model: LpModel, seed: number, raiseMinimums = false): LpModel {
    const rnd = mulberry32(seed);
    const scale = (x: number, spread: number) => (Number.isFinite(x) && x !== 0 ? x * (1 - spread + 2 * spread * rnd()) : x);
    // An upper bound kept strictly above its lower bound: a range stays a range.
    const above = (lb: number, ub: number) => (ub > lb ? ub : lb + 1);
    return {
      ...model,
      variables: model.variables.map((v) => {
        const lb = scale(v.lb, 0.3);
        return { ...v, cost: scale(v.cost, 0.5), lb, ub: v.lb === v.ub ? lb : above(lb, scale(v.ub, 0.3)) };
      }),
      rows: model.rows.map((r) => {
        if (r.lb === r.ub) {
          const b = scale(r.lb, 0.6);
          return { ...r, lb: b, ub: b };
        }
        const lb = scale(r.lb, 0.6) * (raiseMinimums ? 4 : 1);
        return { ...r, lb, ub: above(lb, scale(r.ub, 0.6)) };
      }),
    };
  }

  it.each([
    [120, 'max'],
    [200, 'min'],
    [400, 'max'],
  ] as const)('%i variables, %s: perturbed draws equal a rebuild, some infeasible', async (size, sense) => {
    const base = generateTransportModel(size, size, { sense });
    const kept = new ReusableJsLpSolver(base);
    const statuses = new Set<string>();
    for (let d = 0; d < 25; d++) {
      const model = perturbed(base, 1000 * size + d, d % 5 === 4);
      const reused = await kept.solve(model, OPTIONS);
      const rebuilt = await solveWithJsLpSolver(model, OPTIONS);
      expect(differences(reused, rebuilt, model), `draw ${d}`).toEqual([]);
      statuses.add(reused.status);
    }
    expect(kept.stats).toEqual({ reused: 25, rebuilt: 0 });
    expect([...statuses].sort()).toEqual(['infeasible', 'optimal']);
  });

  it('a model of another structure is rebuilt, with the same result as solving it afresh', async () => {
    const base = generateTransportModel(120, 3);
    const kept = new ReusableJsLpSolver(base);
    const boundGone = { ...base, variables: base.variables.map((v, j) => (j === 0 ? { ...v, ub: Number.isFinite(v.ub) ? Infinity : 1e4 } : v)) };
    const rowChanged = { ...base, rows: base.rows.map((r, i) => (i === 0 ? { ...r, terms: r.terms.map((t) => ({ ...t, coef: t.coef * 2 })) } : r)) };
    const smaller = { ...base, rows: base.rows.slice(1) };
    for (const model of [boundGone, rowChanged, smaller]) {
      expect(kept.fits(model)).toBe(false);
      expect(differences(await kept.solve(model, OPTIONS), await solveWithJsLpSolver(model, OPTIONS), model)).toEqual([]);
    }
    expect(kept.fits(perturbed(base, 9))).toBe(true);
    expect(kept.stats).toEqual({ reused: 0, rebuilt: 3 });
  });
});
