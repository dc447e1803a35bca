/**
 * data/calibration-2024.json: the market fitted to 2024 (server/backtest). Every parameter has its
 * bounds, a value inside them, a source for its prior; every adjustment names a supplier, market or
 * railway the data has; the method is stated with its loss before and after.
 */
import { describe, expect, it } from 'vitest';
import { MarketCalibration } from '../../server/core/calibration.ts';
import { MarketData } from '../../server/core/market-schema.ts';
import { network, readJson } from './helpers.ts';

const calibration = MarketCalibration.parse(readJson('data/calibration-2024.json'));
const market = MarketData.parse(readJson('data/market.json'));

describe('data/calibration-2024.json', () => {
  it('states its method, year and losses', () => {
    expect(calibration.calibratedOnYear).toBe(2024);
    expect(calibration.method).toMatch(/least squares/);
    expect(calibration.lossAfter).toBeLessThanOrEqual(calibration.lossBefore);
  });

  it('keeps every parameter within its bounds, flags the bound it sits on, and cites its prior', () => {
    for (const p of calibration.parameters) {
      expect(p.lower, p.id).toBeLessThanOrEqual(p.prior);
      expect(p.prior, p.id).toBeLessThanOrEqual(p.upper);
      expect(p.value, p.id).toBeGreaterThanOrEqual(p.lower);
      expect(p.value, p.id).toBeLessThanOrEqual(p.upper);
      expect(p.atBound === 'lower', p.id).toBe(p.value === p.lower);
      expect(p.atBound === 'upper', p.id).toBe(p.value === p.upper);
      expect(p.source.length, p.id).toBeGreaterThan(10);
      expect(p.unit, p.id).toMatch(/^(factor|[A-Z]{3}\/t)$/);
    }
  });

  it('bounds each cash cost by the low–high range of data/market.json, in the supplier’s currency', () => {
    for (const p of calibration.parameters.filter((x) => x.kind === 'cash-cost')) {
      const s = market.suppliers.find((x) => x.id === p.targets[0]);
      expect(s, p.id).toBeDefined();
      expect([p.lower, p.prior, p.upper, p.unit]).toEqual([s!.cashCost.low, s!.cashCost.value, s!.cashCost.high, `${s!.cashCost.currency}/t`]);
    }
  });

  it('adjusts only suppliers and markets the data has', () => {
    const suppliers = new Set(market.suppliers.map((s) => s.id));
    const markets = new Set([...network.markets.map((m) => m.id), ...market.outsideMarkets.map((m) => m.id)]);
    expect(Object.keys(calibration.adjustments.cashCostBySupplier).filter((id) => !suppliers.has(id))).toEqual([]);
    expect(Object.keys(calibration.adjustments.demandValueMultiplierByMarket).filter((id) => !markets.has(id))).toEqual([]);
  });
});
