/**
 * Monte Carlo: reproducible by seed whatever the number of workers, zero variance gives the
 * deterministic plan, and the fast path (one model, changed coefficients) matches a full optimise
 * of the same draw written as overrides.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildFastModel, drawScenario, emptyTable, MonteCarloRequest, runDraws, runMonteCarlo, summariseInPool, summariseTable, type MonteCarloRequestInput } from '../../server/analysis/montecarlo.ts';
import { closeMonteCarloPools } from '../../server/analysis/mc-pool.ts';
import { optimise } from '../../server/optimise.ts';
import { defaultNetwork, standardScenario } from './helpers.ts';

afterAll(async () => {
  await closeMonteCarloPools();
});

function request(seed: number, draws = 200): MonteCarloRequestInput {
  return {
    scenario: standardScenario('phase1-annual'),
    draws,
    seed,
    uncertainties: [
      { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0.15 } },
      { parameter: 'price', group: 'domestic', distribution: { type: 'triangular', min: 0.85, mode: 1, max: 1.1 } },
      { parameter: 'price', market: 'baku_alat', distribution: { type: 'uniform', min: 0.8, max: 1.2 } },
      { parameter: 'freight', mode: 'rail', distribution: { type: 'uniform', min: 0.9, max: 1.3 } },
      { parameter: 'freight', mode: 'sea', distribution: { type: 'empirical', values: [0.8, 1, 1.1, 1.5] } },
      { parameter: 'demand', market: 'atyrau', distribution: { type: 'empirical', values: [0.8, 1, 1.2] } },
    ],
  };
}

describe('Monte Carlo', () => {
  it('the same seed gives the same result with 0, 1 and 2 workers; another seed differs', async () => {
    const network = defaultNetwork();
    const inThread = await runMonteCarlo(request(11), network, { workers: 0 });
    const one = await runMonteCarlo(request(11), network, { workers: 1 });
    const two = await runMonteCarlo(request(11), network, { workers: 2, chunkSize: 7 });
    expect(one.result).toEqual(inThread.result);
    expect(two.result).toEqual(one.result);
    const again = await runMonteCarlo(request(11), network, { workers: 2 });
    expect(again.result).toEqual(one.result);
    const other = await runMonteCarlo(request(12), network, { workers: 2 });
    expect(other.result.marginUsd).not.toEqual(one.result.marginUsd);
    expect(one.result.optimalDraws).toBe(200);
    const m = one.result.marginUsd;
    expect(m.p5!).toBeLessThan(m.p50!);
    expect(m.p50!).toBeLessThan(m.p95!);
    expect(m.histogram.reduce((s, b) => s + b.count, 0)).toBe(200);
  });

  it('a large table is summarised in the CPU pool: the same result as here, and its buffers moved there, not copied', async () => {
    // The largest requests (200,000 draws of a few hundred markets) are seconds of counting and sorting.
    const draws = 40_000;
    const markets = Array.from({ length: 120 }, (_, i) => ({ id: `m${i}`, name: `Market ${i}`, domestic: i % 3 === 0 }));
    const table = emptyTable(draws, markets.length);
    let x = 1;
    const next = () => {
      x = (x * 48271) % 2147483647;
      return x / 2147483647;
    };
    for (let i = 0; i < draws; i++) {
      table.margin[i] = 1e6 * next();
      table.exportTonnes[i] = 5e5 * next();
      table.domesticTonnes[i] = 5e5 * next();
      table.domesticShare[i] = next();
      table.ruleBinds[i] = next() < 0.3 ? 1 : 0;
      table.status[i] = next() < 0.95 ? 0 : 1;
    }
    for (let k = 0; k < table.served.length; k++) table.served[k] = next() < 0.5 ? 1 : 0;
    const summaryRequest = { seed: 1, histogramBins: 20, robustThreshold: 0.9, scenarioName: 'large' };
    const here = summariseTable({ markets }, summaryRequest, table);
    const inPool = await summariseInPool(markets, summaryRequest, table);
    expect(inPool).toEqual(here);
    expect(inPool.optimalDraws).toBeGreaterThan(0.9 * draws);
    // Moved: nothing of the table is left on this thread to be worked on.
    expect([table.margin.length, table.served.length, table.status.length]).toEqual([0, 0, 0]);
  });

  it('with zero variance every draw is the deterministic plan', async () => {
    const network = defaultNetwork();
    const scenario = standardScenario('phase2-annual');
    const plan = await optimise(scenario, network, { inProcess: true, policyCost: false });
    const run = await runMonteCarlo(
      {
        scenario,
        draws: 20,
        seed: 3,
        uncertainties: [
          { parameter: 'price', group: 'export', distribution: { type: 'normal', mean: 1, sd: 0 } },
          { parameter: 'freight', distribution: { type: 'uniform', min: 1, max: 1 } },
          { parameter: 'demand', group: 'all', distribution: { type: 'triangular', min: 1, mode: 1, max: 1 } },
        ],
      },
      network,
      { workers: 0 },
    );
    const r = run.result;
    expect(r.marginUsd.min!).toBeCloseTo(plan.kpis!.marginUsd, 0);
    expect(r.marginUsd.max!).toBeCloseTo(plan.kpis!.marginUsd, 0);
    expect(r.exportTonnes.p50!).toBeCloseTo(plan.kpis!.exportTonnes, 0);
    // Phase 2: the 50 % rule binds in the deterministic plan, so in every draw.
    expect(r.ruleBindsProbability).toBe(1);
    const served = plan.markets.filter((m) => m.tonnes > 0).map((m) => m.id).sort();
    expect([...r.robustMarkets].sort()).toEqual(served);
  });

  it('the fast path equals a full optimise of the same draw written as overrides', async () => {
    const network = defaultNetwork();
    const req = MonteCarloRequest.parse(request(5, 8));
    const fast = buildFastModel(req.scenario, network);
    const table = emptyTable(req.draws, fast.markets.length);
    await runDraws(fast, { seed: req.seed, uncertainties: req.uncertainties }, 0, req.draws, table);
    for (let i = 0; i < req.draws; i++) {
      const plan = await optimise(drawScenario(req, network, i), network, { inProcess: true, policyCost: false, wantSensitivity: false });
      expect(plan.status).toBe('optimal');
      expect(table.margin[i]).toBeCloseTo(plan.kpis!.marginUsd, 0);
      expect(table.exportTonnes[i]).toBeCloseTo(plan.kpis!.exportTonnes, 0);
      expect(table.domesticShare[i]).toBeCloseTo(plan.kpis!.domesticShare, 5);
      const served = plan.markets.map((m) => (m.tonnes > 1e-3 ? 1 : 0));
      expect(Array.from(table.served.subarray(i * fast.markets.length, (i + 1) * fast.markets.length))).toEqual(served);
    }
  });

  it('with specific duties the fast path moves only the price part and still equals a full optimise', async () => {
    // Served export markets behind a duty per tonne: a price draw m must give price × m − duty, not (price − duty) × m.
    const network = defaultNetwork();
    const scenario = standardScenario('phase1-annual', {
      overrides: { markets: { astrakhan: { dutyUsdPerTonne: 5 }, orenburg: { dutyUsdPerTonne: 4, dutyPct: 5 }, baku_alat: { dutyUsdPerTonne: 10 } } },
    });
    const req = MonteCarloRequest.parse({
      scenario,
      draws: 6,
      seed: 9,
      uncertainties: [
        { parameter: 'price', group: 'export', distribution: { type: 'uniform', min: 0.8, max: 1.25 } },
        { parameter: 'price', market: 'astrakhan', distribution: { type: 'uniform', min: 0.9, max: 1.1 } },
      ],
    });
    const fast = buildFastModel(req.scenario, network);
    const astrakhan = fast.markets.findIndex((m) => m.id === 'astrakhan');
    expect(fast.sales.filter((x) => x.market === astrakhan).every((x) => x.specificDuty === 5)).toBe(true);
    const table = emptyTable(req.draws, fast.markets.length);
    await runDraws(fast, { seed: req.seed, uncertainties: req.uncertainties }, 0, req.draws, table);
    let exported = 0;
    for (let i = 0; i < req.draws; i++) {
      const plan = await optimise(drawScenario(req, network, i), network, { inProcess: true, policyCost: false, wantSensitivity: false });
      expect(plan.status).toBe('optimal');
      expect(table.margin[i]).toBeCloseTo(plan.kpis!.marginUsd, 0);
      expect(table.exportTonnes[i]).toBeCloseTo(plan.kpis!.exportTonnes, 0);
      exported += plan.markets.find((m) => m.id === 'astrakhan')!.tonnes;
    }
    expect(exported).toBeGreaterThan(0);
  });

  it('reports progress and can be cancelled', async () => {
    const network = defaultNetwork();
    const seen: number[] = [];
    await runMonteCarlo(request(1, 60), network, { workers: 2, chunkSize: 10, onProgress: (done, total) => seen.push(done / total) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const controller = new AbortController();
    const run = runMonteCarlo(request(1, 5000), network, {
      workers: 2,
      chunkSize: 10,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 20) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
