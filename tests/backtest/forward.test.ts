/**
 * Forward use: clearing plans run on the calibrated market by default (`calibration: 'default'`),
 * on the data as written with `calibration: 'none'`; price-taker plans do not see the calibration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCalibration } from '../../server/core/calibration.ts';
import { optimise } from '../../server/optimise.ts';
import { Scenario, type Network } from '../../server/core/schema.ts';
import { calibratedNetwork } from '../../server/core/scenario.ts';
import { loadDefaultNetwork } from '../../server/data/load.ts';
import { readScenarioFile } from './helpers.ts';

const FAST = { ranges: false, competitorImpact: false, policyCost: false, exactPriceGaps: false, inProcess: true } as const;
let network: Network;
let base: Network;

beforeAll(() => {
  network = loadDefaultNetwork();
  const { calibration: _c, ...rest } = network;
  base = rest;
});

const prices = (plan: Awaited<ReturnType<typeof optimise>>) => Object.fromEntries((plan.clearing?.markets ?? []).map((m) => [m.id, m.priceUsdPerTonne]));

describe('calibrated market by default', () => {
  for (const file of ['clearing-phase1.json', 'clearing-phase2.json']) {
    it(`${file}: the default is the calibrated market, the same plan as the calibration applied by hand`, async () => {
      const scenario = Scenario.parse(readScenarioFile(file));
      expect(scenario.calibration).toBe('default');
      const calibrated = await optimise(scenario, network, FAST);
      const byHand = await optimise({ ...scenario, calibration: 'none' }, applyCalibration(base, network.calibration!.adjustments), FAST);
      const asWritten = await optimise({ ...scenario, calibration: 'none' }, network, FAST);
      expect(calibrated.status).toBe('optimal');
      expect(prices(calibrated)).toEqual(prices(byHand));
      expect(calibrated.kpis?.marginUsd).toBeCloseTo(byHand.kpis?.marginUsd ?? NaN, 2);
      // The calibration moves costs and the western demand values: some clearing price differs from the data as written.
      const written = prices(asWritten);
      expect(Object.entries(prices(calibrated)).filter(([id, p]) => Math.abs(p - (written[id] ?? NaN)) > 0.05).length).toBeGreaterThan(0);
    });
  }

  it('leaves price-taker plans alone and is applied once however often the scenario is applied', () => {
    const priceTaker = Scenario.parse({ name: 'price-taker' });
    expect(calibratedNetwork(priceTaker, network)).toEqual(base);
    const clearing = Scenario.parse({ name: 'clearing', market: 'clearing' });
    const once = calibratedNetwork(clearing, network);
    expect(once.calibration).toBeUndefined();
    expect(calibratedNetwork(clearing, once)).toEqual(once);
    const novotroitsk = once.suppliers.find((s) => s.id === 'novotroitsk_cement')!;
    expect(novotroitsk.cashCost.value).toBe(network.calibration!.adjustments.cashCostBySupplier.novotroitsk_cement);
  });

  it('lets scenario overrides apply on top of the calibrated figures', async () => {
    const scenario = Scenario.parse({ name: 'clearing', market: 'clearing', overrides: { suppliers: { novotroitsk_cement: { cashCostMultiplier: 2 } } } });
    const { effectiveNetwork } = await import('../../server/core/scenario.ts');
    const s = effectiveNetwork(scenario, network).suppliers.find((x) => x.id === 'novotroitsk_cement')!;
    expect(s.cashCost.value).toBeCloseTo(2 * network.calibration!.adjustments.cashCostBySupplier.novotroitsk_cement, 6);
  });

  it('clears the markets only competitors reach in the clearing mode and leaves them out of the price-taker mode', async () => {
    const outside = network.markets.filter((m) => m.competitorsOnly).map((m) => m.id);
    expect(outside.length).toBeGreaterThan(0);
    const clearing = await optimise(Scenario.parse(readScenarioFile('clearing-phase1.json')), network, FAST);
    expect(clearing.status).toBe('optimal');
    const cleared = new Map((clearing.clearing?.markets ?? []).map((m) => [m.id, m]));
    for (const id of outside) {
      const m = cleared.get(id);
      expect(m, id).toBeDefined();
      // Bought from competitors only, at a positive price; we have no row there.
      expect(m!.boughtTonnes, id).toBeGreaterThan(0);
      expect(m!.ourTonnes, id).toBe(0);
      expect(m!.priceUsdPerTonne, id).toBeGreaterThan(0);
    }
    expect(clearing.markets.map((m) => m.id).filter((id) => outside.includes(id))).toEqual([]);
    const priceTaker = await optimise(Scenario.parse(readScenarioFile('phase1-annual.json')), network, FAST);
    expect(priceTaker.status).toBe('optimal');
    expect(priceTaker.markets.map((m) => m.id).filter((id) => outside.includes(id))).toEqual([]);
    expect(priceTaker.markets).toHaveLength(network.markets.length - outside.length);
  });
});
