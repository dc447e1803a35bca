/**
 * A calibration of the whole market (DESIGN §3b): the competitor cash costs, demand-block values and
 * rail freight factors fitted so that the market-clearing model reproduces an observed year
 * (server/backtest/calibrate.ts writes it; data/calibration-2024.json ships it). The loader attaches it
 * to the default network; a clearing scenario applies it unless `calibration: 'none'`.
 * Browser-safe, pure: zod only.
 */
import type { Network } from './schema.ts';
import type { CalibratedRailway, CalibrationAdjustments } from './calibration-schema.ts';

export * from './calibration-schema.ts';

const SUPPLIER_RAILWAY: Readonly<Record<string, CalibratedRailway>> = { KZ: 'KTZ', RU: 'RZD' };

/**
 * The network with a calibration's adjustments applied: competitor cash costs replaced, demand-block
 * values scaled per market, rail freight scaled per railway (competitor rail routes by the supplier's
 * country, our rail legs by their `railway`), border frictions replaced. Ids the network does not have
 * are ignored.
 */
export function applyCalibration(network: Network, adjustments: CalibrationAdjustments): Network {
  const rail = adjustments.railFreightMultiplierByRailway;
  const border = adjustments.borderFrictionByFriction ?? {};
  return {
    ...network,
    borderFrictions: network.borderFrictions.map((f) => (border[f.id] === undefined ? f : { ...f, cost: { ...f.cost, value: border[f.id]! } })),
    suppliers: network.suppliers.map((s) => {
      const cost = adjustments.cashCostBySupplier[s.id];
      const railway = SUPPLIER_RAILWAY[s.country];
      const railFactor = railway ? (rail[railway] ?? 1) : 1;
      return {
        ...s,
        cashCost: cost === undefined ? s.cashCost : { ...s.cashCost, value: cost },
        routes:
          railFactor === 1
            ? s.routes
            : s.routes.map((r) => (r.mode === 'rail' ? { ...r, freight: { ...r.freight, value: r.freight.value * railFactor } } : r)),
      };
    }),
    markets: network.markets.map((m) => {
      const k = adjustments.demandValueMultiplierByMarket[m.id];
      if (k === undefined || !m.demand) return m;
      return { ...m, demand: { ...m.demand, blocks: m.demand.blocks.map((b) => ({ ...b, value: { ...b.value, value: b.value.value * k } })) } };
    }),
    legs: network.legs.map((leg) => {
      const k = leg.mode === 'rail' && (leg.railway === 'KTZ' || leg.railway === 'RZD') ? (rail[leg.railway] ?? 1) : 1;
      return k === 1 ? leg : { ...leg, usdPerTonneKm: leg.usdPerTonneKm * k, fixedUsdPerTonne: leg.fixedUsdPerTonne * k };
    }),
  };
}
