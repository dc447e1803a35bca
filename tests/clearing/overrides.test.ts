/** Scenario levers on the whole market (clearing mode), applied by the effective network. */
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../server/core/consistency.ts';
import { networkForScenario } from '../../server/core/pipeline.ts';
import { effectiveNetwork } from '../../server/core/scenario.ts';
import { Scenario } from '../../server/core/schema.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { optimise } from '../../server/optimise.ts';
import { refuseUnknownAxes, runSweep, SweepRequest } from '../../server/analysis/sweep.ts';
import { scenario } from '../core/fixtures.ts';
import { handNetwork } from './fixtures.ts';

describe('whole-market overrides', () => {
  it("the scenario's consumption multiplier and a market's demand multiplier both scale its consumption; price multipliers its blocks' values", () => {
    const net = handNetwork();
    const s = scenario({ market: 'clearing', overrides: { consumptionMultiplier: 2, domesticPriceMultiplier: 1.1, markets: { a: { demandMultiplier: 1.5, priceMultiplier: 2 } } } });
    const eff = effectiveNetwork(s, net);
    const a = eff.markets.find((m) => m.id === 'a')!;
    const d = eff.markets.find((m) => m.id === 'd')!;
    expect(a.demand!.consumptionTonnesByYear['2027']).toBeCloseTo(120 * 1.5 * 2, 9);
    expect(d.demand!.consumptionTonnesByYear['2027']).toBeCloseTo(100 * 2, 9);
    expect(a.demand!.blocks.map((b) => b.value.value)).toEqual([100 * 1.1 * 2, 30 * 1.1 * 2].map((x) => expect.closeTo(x, 9)));
    // An export market takes the export multiplier (1 here): its values stay.
    expect(d.demand!.blocks.map((b) => b.value.value)).toEqual([80, 45]);
  });
});

describe('a competitor left out (`absent: true`)', () => {
  const network = loadDefaultNetwork();
  const withSupplier = (override: Record<string, unknown>) =>
    Scenario.parse({ name: 'left out', market: 'clearing', overrides: { suppliers: override } });

  it('is a scenario that can be a model, and plans as the competitor with no capacity does', async () => {
    const absent = withSupplier({ aktobe_cem: { absent: true } });
    expect(checkScenario(absent, networkForScenario(absent, network))).toEqual([]);
    const plan = await optimise(absent, network, { check: true });
    expect(plan.status).toBe('optimal');
    expect(plan.clearing!.competitors.map((c) => c.id)).not.toContain('aktobe_cem');
    const noCapacity = await optimise(withSupplier({ aktobe_cem: { capacityMultiplier: 0 } }), network);
    expect(plan.kpis!.marginUsd).toBeCloseTo(noCapacity.kpis!.marginUsd, 2);
  });

  it('is still refused for a supplier the network does not have', () => {
    const typo = withSupplier({ aktobe_cem: { absent: true }, aktobe_cemm: { absent: true } });
    expect(checkScenario(typo, networkForScenario(typo, network))).toEqual([
      { path: ['overrides', 'suppliers', 'aktobe_cemm'], message: 'override for unknown supplier "aktobe_cemm"' },
    ]);
  });
});

describe('a rate other than the tenge’s in the price-taker mode', () => {
  const network = loadDefaultNetwork();

  it('is refused with its path (it would move nothing: prices are in USD), and taken in the clearing mode', () => {
    const priceTaker = Scenario.parse({ name: 'rouble', overrides: { fxPerUsd: { RUB: 200, KZT: 520 } } });
    expect(checkScenario(priceTaker, networkForScenario(priceTaker, network))).toEqual([
      { path: ['overrides', 'fxPerUsd', 'RUB'], message: expect.stringMatching(/^the RUB rate moves nothing in the price-taker mode .*set "market": "clearing"/) },
    ]);
    const clearing = Scenario.parse({ ...priceTaker, market: 'clearing' });
    expect(checkScenario(clearing, networkForScenario(clearing, network))).toEqual([]);
  });

  it('is refused as a sweep axis before any solve', () => {
    const scenario = Scenario.parse({ name: 'rouble sweep' });
    const request = SweepRequest.parse({ scenario, axes: [{ parameter: 'fxPerUsd', currency: 'RUB', values: [60, 100] }] });
    expect(() => refuseUnknownAxes(request, network)).toThrow(/the RUB rate moves nothing in the price-taker mode/);
    const tenge = SweepRequest.parse({ scenario, axes: [{ parameter: 'fxPerUsd', currency: 'KZT', values: [450, 550] }] });
    expect(() => refuseUnknownAxes(tenge, network)).not.toThrow();
  });
});

describe('money in its own currency', () => {
  it('is held to the USD/t limit of every price and cost once converted at the plan year’s rate', () => {
    const base = loadDefaultNetwork();
    const aktobe = base.markets.findIndex((m) => m.id === 'aktobe');
    const market = base.markets[aktobe]!;
    const blocks = market.demand!.blocks.map((b, k) => (k === 0 ? { ...b, value: { value: 1e9, currency: 'USD' as const } } : b));
    const network = { ...base, markets: base.markets.map((m, i) => (i === aktobe ? { ...m, demand: { ...m.demand!, blocks } } : m)) };
    const scenario = Scenario.parse({ name: 'dear', market: 'clearing' });
    expect(checkScenario(scenario, networkForScenario(scenario, network))).toContainEqual({
      path: ['network', 'markets', aktobe, 'demand', 'blocks', 0, 'value', 'value'],
      message: expect.stringMatching(/^1,[01]00,000,000 USD\/t at the 2027 rate \(multipliers and calibration applied\); prices and costs are limited to 100,000 USD\/t$/),
    });
    // The shipped data (tenge, roubles and rials among them) is within it.
    expect(checkScenario(scenario, networkForScenario(scenario, base))).toEqual([]);
  });

  it('the price-taker mode holds its tier prices to the same limit once multipliers and the tenge rate are applied', async () => {
    const base = loadDefaultNetwork();
    const problems = (overrides: object, network?: object) => {
      const s = Scenario.parse({ name: 'dear', overrides, ...(network ? { network } : {}) });
      return checkScenario(s, networkForScenario(s, s.network ?? base));
    };
    // Each lever alone is legal and within the limit; together they lift domestic prices to millions of USD/t.
    expect(problems({ domesticPriceMultiplier: 100 })).toEqual([]);
    expect(problems({ fxKztPerUsd: 1 })).toEqual([]);
    expect(problems({ domesticPriceMultiplier: 100, fxKztPerUsd: 1 })).toEqual([
      { path: ['overrides'], message: expect.stringMatching(/^the scenario's price multipliers and tenge rate put \d+ prices over the limit \(.+: [\d,]+ USD\/t\); prices are limited to 100,000 USD\/t$/) },
    ]);
    // A network the caller sent is pointed at figure by figure.
    const own = problems({ exportPriceMultiplier: 100 }, { ...base, markets: base.markets.map((m) => (m.domestic ? m : { ...m, tiers: m.tiers.map((t) => ({ ...t, priceUsdPerTonne: 5_000 })) })) });
    const firstExport = base.markets.findIndex((m) => !m.domestic);
    expect(own).toContainEqual({ path: ['network', 'markets', firstExport, 'tiers', 0, 'priceUsdPerTonne'], message: expect.stringMatching(/500,000 USD\/t with the scenario's multipliers and tenge rate applied/) });
    // The network sent is pointed at where the caller has each market, markets only competitors serve listed first.
    const reordered = { ...base, markets: [...base.markets.filter((m) => m.competitorsOnly), ...base.markets.filter((m) => !m.competitorsOnly)] };
    expect(reordered.markets[0]!.competitorsOnly).toBe(true);
    const dearExport = { ...reordered, markets: reordered.markets.map((m) => (m.domestic || m.competitorsOnly ? m : { ...m, tiers: m.tiers.map((t) => ({ ...t, priceUsdPerTonne: 5_000 })) })) };
    const firstOurs = dearExport.markets.findIndex((m) => !m.domestic && !m.competitorsOnly);
    expect(problems({ exportPriceMultiplier: 100 }, dearExport)[0]).toEqual({
      path: ['network', 'markets', firstOurs, 'tiers', 0, 'priceUsdPerTonne'],
      message: expect.stringContaining(`${dearExport.markets[firstOurs]!.name}, tier 1: 500,000 USD/t`),
    });
    // A bagged tonne's premium is a price the same levers lift.
    const premium = { ...base, markets: base.markets.map((m) => (m.domestic ? { ...m, baggedShare: undefined, baggedPremiumUsdPerTonne: 1000, baggedShareRange: { min: 0, max: 1 } } : m)) };
    const lifted = problems({ domesticPriceMultiplier: 99, fxKztPerUsd: 250 }, premium);
    expect(lifted.length).toBeGreaterThan(0);
    expect(lifted.map((p) => p.path.at(-1))).toEqual(lifted.map(() => "baggedPremiumUsdPerTonne"));
    expect(lifted[0]!.message).toMatch(/bagged premium: [\d,]+ USD\/t with the scenario's multipliers and tenge rate applied/);
    // The optimiser refuses it before any solve, as the clearing mode does.
    const plan = optimise(Scenario.parse({ name: 'dear', overrides: { domesticPriceMultiplier: 100, fxKztPerUsd: 1 } }), base, { check: true });
    await expect(plan).rejects.toThrow();
    await plan.catch((e: { problems?: unknown }) => expect(e.problems).toEqual([{ path: ['overrides'], message: expect.stringMatching(/over the limit/) }]));
  });
});

describe('settings that would be taken and change nothing', () => {
  const network = loadDefaultNetwork();
  const problemsOf = (body: Record<string, unknown>) => {
    const scenario = Scenario.parse({ name: 'x', ...body });
    return checkScenario(scenario, networkForScenario(scenario, network));
  };

  it('competitors and consumption in the price-taker mode are refused with their paths', () => {
    expect(problemsOf({ overrides: { competitorMarkupMultiplier: 0, consumptionMultiplier: 2, suppliers: { aktobe_cem: { absent: true } } } }).map((p) => p.path)).toEqual([
      ['overrides', 'competitorMarkupMultiplier'],
      ['overrides', 'consumptionMultiplier'],
      ['overrides', 'suppliers', 'aktobe_cem'],
    ]);
    expect(problemsOf({ overrides: { competitorMarkupMultiplier: 1, consumptionMultiplier: 1 } })).toEqual([]);
  });

  it('a left-out competitor’s other settings are refused', () => {
    expect(problemsOf({ market: 'clearing', overrides: { suppliers: { aktobe_cem: { absent: true, cashCostMultiplier: 2 } } } })).toEqual([
      { path: ['overrides', 'suppliers', 'aktobe_cem', 'cashCostMultiplier'], message: 'supplier "aktobe_cem" is left out (absent: true): its cashCostMultiplier would change nothing' },
    ]);
  });

  it('a rate the scenario sets that lifts the data over the USD/t limit is one problem at the rate', () => {
    const problems = problemsOf({ market: 'clearing', overrides: { fxPerUsd: { RUB: 0.01 } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: ['overrides', 'fxPerUsd', 'RUB'], message: expect.stringMatching(/^at this RUB rate \d+ prices and costs of the data would be over the limit of 100,000 USD\/t/) });
  });

  it('a sweep of a left-out competitor, or whose end point cannot be a model, is refused before any solve', async () => {
    const clearing = Scenario.parse({ name: 'x', market: 'clearing', overrides: { suppliers: { aktobe_cem: { absent: true } } } });
    const leftOut = SweepRequest.parse({ scenario: clearing, axes: [{ parameter: 'supplierCost', supplier: 'aktobe_cem', values: [0.5, 2] }] });
    expect(() => refuseUnknownAxes(leftOut, network)).toThrow(/supplier "aktobe_cem" is left out of the scenario \(absent: true\): sweeping its cost would change nothing/);
    const rouble = SweepRequest.parse({ scenario: { ...clearing, overrides: { ...clearing.overrides, suppliers: {} } }, axes: [{ parameter: 'fxPerUsd', currency: 'RUB', values: [0.01, 100] }] });
    await expect(runSweep(rouble, network, { optimiseOptions: { inProcess: true } })).rejects.toThrow(/^at fxPerUsd:RUB = 0\.01 the scenario cannot be a model: overrides\.fxPerUsd\.RUB: at this RUB rate/);
  });
});
