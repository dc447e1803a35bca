/**
 * From a scenario and a network to what the model sees: overrides applied, periods laid out.
 * Browser-safe, pure.
 */
import type { Horizon, Leg, Market, Network, Scenario, TransitNode, Plant } from './schema.ts';
import { fxPerUsd, type FxTable, type Supplier } from './market-schema.ts';
import { applyCalibration } from './calibration.ts';

export interface Period {
  /** Index into the period arrays (0-based). */
  readonly index: number;
  /** Label used in names and charts: "2027", "2027-01". */
  readonly label: string;
  /** Calendar year of the period. */
  readonly year: number;
  /** Month 1..12 for monthly plans; null for annual periods. */
  readonly month: number | null;
  /** Fraction of a year the period covers (1 for a year, 1/12 for a month). */
  readonly yearFraction: number;
  /** Plant phase in force (1-based). */
  readonly phase: number;
}

/**
 * The periods of a horizon: one year, twelve months, or a run of years. A run of years is at phase 2
 * from `phase2FromYear` on (phase 1 before it) when that year is given, else at the scenario's phase
 * in every year.
 */
export function periodsOf(horizon: Horizon, phase: number): Period[] {
  if (horizon.kind === 'annual') {
    return [{ index: 0, label: String(horizon.year), year: horizon.year, month: null, yearFraction: 1, phase }];
  }
  if (horizon.kind === 'monthly') {
    return Array.from({ length: 12 }, (_, i) => ({
      index: i,
      label: `${horizon.year}-${String(i + 1).padStart(2, '0')}`,
      year: horizon.year,
      month: i + 1,
      yearFraction: 1 / 12,
      phase,
    }));
  }
  const periods: Period[] = [];
  for (let year = horizon.fromYear; year <= horizon.toYear; year++) {
    const yearPhase = horizon.phase2FromYear === undefined ? phase : year >= horizon.phase2FromYear ? 2 : 1;
    periods.push({ index: periods.length, label: String(year), year, month: null, yearFraction: 1, phase: yearPhase });
  }
  return periods;
}

/** Distinct years of a horizon's periods, in order. */
export function yearsOf(periods: readonly Period[]): number[] {
  return [...new Set(periods.map((p) => p.year))];
}

/**
 * Apply a scenario's overrides to the network: freight multipliers, price multipliers,
 * per-leg / per-node / per-market / per-plant changes. Unknown ids are left to the consistency check.
 * A per-id figure replaces the network's; `null` removes an optional one (unlimited, none).
 * Prices: tier price × (domestic or export multiplier, and FX for domestic) × the market's
 * priceMultiplier + its priceShiftUsdPerTonne (never below 0). Freight: the per-id figure × the
 * freight multipliers. In the clearing mode the network's calibration comes first (see calibratedNetwork).
 */
export function effectiveNetwork(scenario: Scenario, input: Network): Network {
  const network = calibratedNetwork(scenario, input);
  const o = scenario.overrides;
  const fxFactor = network.fxKztPerUsd / priceTakerKztPerUsd(scenario, network);
  const given = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  /**
   * An optional figure under an override: undefined keeps the network's, null removes it (an
   * unlimited capacity, no lots, no profile). The field is left out when there is none.
   */
  const setOptional = <O, K extends keyof O>(target: O, key: K, override: O[K] | null | undefined, fallback: O[K] | undefined) => {
    const value = override === undefined ? fallback : (override ?? undefined);
    if (value === undefined) delete target[key];
    else target[key] = value;
  };

  const plants: Plant[] = network.plants.map((plant) => {
    const po = o.plants[plant.id];
    if (!po) return plant;
    return {
      ...plant,
      capacityTonnesPerYearByPhase: given(po.capacityTonnesPerYearByPhase, plant.capacityTonnesPerYearByPhase),
      variableCostUsdPerTonne: given(po.variableCostUsdPerTonne, plant.variableCostUsdPerTonne),
      fixedCostUsdPerYear: given(po.fixedCostUsdPerYear, plant.fixedCostUsdPerYear),
      monthlyAvailability: given(po.monthlyAvailability, plant.monthlyAvailability),
      holdingCostUsdPerTonnePerMonth: given(po.holdingCostUsdPerTonnePerMonth, plant.holdingCostUsdPerTonnePerMonth),
      stockCapacityTonnes: given(po.stockCapacityTonnes, plant.stockCapacityTonnes),
      ...overridePacking(plant.packing, po),
    };
  });

  let marketsChanged = false;
  // A market only competitors reach is a market of the clearing mode; the price-taker mode has nothing to sell there.
  const markets: Market[] = network.markets.filter((market) => scenario.market === 'clearing' || !market.competitorsOnly).map((market) => {
    const mo = o.markets[market.id] ?? {};
    // Domestic prices are set in tenge: in USD they move with the exchange rate.
    const priceFactor =
      (market.domestic ? o.domesticPriceMultiplier * fxFactor : o.exportPriceMultiplier) * (mo.priceMultiplier ?? 1);
    const priceShift = mo.priceShiftUsdPerTonne ?? 0;
    const demandFactor = mo.demandMultiplier ?? 1;
    const blockFactor = (market.domestic ? o.domesticPriceMultiplier : o.exportPriceMultiplier) * (mo.priceMultiplier ?? 1);
    const consumptionFactor = demandFactor * o.consumptionMultiplier;
    // Nothing to change: the market as it is (networks are never changed in place).
    if (o.markets[market.id] === undefined && priceFactor === 1 && (!market.demand || (blockFactor === 1 && consumptionFactor === 1))) return market;
    marketsChanged = true;
    const tiers = (mo.tiers ?? market.tiers).map((t) => ({
      ...t,
      priceUsdPerTonne: Math.max(0, t.priceUsdPerTonne * priceFactor + priceShift),
      tonnesPerYear: t.tonnesPerYear * demandFactor,
    }));
    const next: Market = {
      ...market,
      tiers,
      dutyPct: given(mo.dutyPct, market.dutyPct),
      // A specific duty is per tonne: price multipliers leave it where it is.
      dutyUsdPerTonne: given(mo.dutyUsdPerTonne, market.dutyUsdPerTonne),
      minTonnesPerYear: given(mo.minTonnesPerYear, market.minTonnesPerYear),
      openFromPhase: given(mo.openFromPhase, market.openFromPhase),
      growthPctPerYear: given(mo.growthPctPerYear, market.growthPctPerYear),
    };
    setOptional(next, 'seasonality', mo.seasonality, market.seasonality);
    setOptional(next, 'contract', mo.contract, market.contract);
    // An exact share and a range replace each other.
    if (mo.baggedShare !== undefined) {
      next.baggedShare = mo.baggedShare;
      delete next.baggedShareRange;
    }
    if (mo.baggedShareRange !== undefined) {
      next.baggedShareRange = mo.baggedShareRange;
      delete next.baggedShare;
    }
    // The bagged premium is a price: it moves with the market's price multipliers (and the tenge rate).
    const premium = mo.baggedPremiumUsdPerTonne === undefined ? market.baggedPremiumUsdPerTonne : (mo.baggedPremiumUsdPerTonne ?? undefined);
    if (premium === undefined) delete next.baggedPremiumUsdPerTonne;
    else next.baggedPremiumUsdPerTonne = premium * priceFactor;
    // The whole market (clearing mode): price multipliers scale its willingness to pay; the market's
    // demand multiplier and the scenario's consumption multiplier its consumption. Blocks carry their
    // own currency, so no exchange-rate factor here.
    if (market.demand) {
      if (blockFactor !== 1 || consumptionFactor !== 1) {
        next.demand = {
          ...market.demand,
          blocks: market.demand.blocks.map((b) => ({ ...b, value: { ...b.value, value: b.value.value * blockFactor } })),
          consumptionTonnesByYear: Object.fromEntries(Object.entries(market.demand.consumptionTonnesByYear).map(([y, t]) => [y, t * consumptionFactor])),
        };
      }
    }
    return next;
  });

  const nodes: TransitNode[] = network.nodes.map((node) => {
    const no = o.nodes[node.id];
    if (!no) return node;
    const next: TransitNode = {
      ...node,
      kind: given(no.kind, node.kind),
      closedMonths: given(no.closedMonths, node.closedMonths),
      handlingUsdPerTonne: given(no.handlingUsdPerTonne, node.handlingUsdPerTonne),
    };
    setOptional(next, 'throughputTonnesPerYear', no.throughputTonnesPerYear, node.throughputTonnesPerYear);
    return next;
  });

  const legs: Leg[] = network.legs.map((leg) => {
    const lo = o.legs[leg.id] ?? {};
    const railwayFactor = leg.mode === 'rail' && leg.railway ? (o.railTariffMultiplierByRailway[leg.railway] ?? 1) : 1;
    const modeFactor = o.freightMultiplier * (o.freightMultiplierByMode[leg.mode] ?? 1) * railwayFactor;
    if (o.legs[leg.id] === undefined && modeFactor === 1) return leg;
    const next: Leg = {
      ...leg,
      usdPerTonneKm: given(lo.usdPerTonneKm, leg.usdPerTonneKm) * modeFactor,
      fixedUsdPerTonne: given(lo.fixedUsdPerTonne, leg.fixedUsdPerTonne) * modeFactor,
      closedMonths: given(lo.closedMonths, leg.closedMonths),
      co2KgPerTonneKm: given(lo.co2KgPerTonneKm, leg.co2KgPerTonneKm),
    };
    const distance = given(lo.distanceKm, leg.distanceKm);
    if (distance !== undefined) next.distanceKm = distance;
    setOptional(next, 'capacityTonnesPerYear', lo.capacityTonnesPerYear, leg.capacityTonnesPerYear);
    setOptional(next, 'lotTonnes', lo.lotTonnes, leg.lotTonnes);
    if (leg.vessel) {
      next.vessel = {
        loadTonnes: lo.vesselLoadTonnes ?? leg.vessel.loadTonnes,
        voyageUsd: (lo.voyageUsd ?? leg.vessel.voyageUsd) * modeFactor,
      };
    }
    return next;
  });

  const fxPerUsd = effectiveFx(network.fxPerUsd, o.fxPerUsd, o.fxKztPerUsd);
  const suppliers = effectiveSuppliers(network.suppliers, o);
  const wagonFleet = o.wagonFleet === null ? undefined : o.wagonFleet && network.wagonFleet ? overrideFleet(network.wagonFleet, o.wagonFleet) : network.wagonFleet ?? fullFleet(o.wagonFleet);
  // Nothing changed but which markets the mode keeps: the same network object for every such plan,
  // so what is worked out once per network object (the legs serving each market) is not worked out
  // again for every plan.
  if (
    !marketsChanged &&
    sameItems(plants, network.plants) &&
    sameItems(nodes, network.nodes) &&
    sameItems(legs, network.legs) &&
    fxPerUsd === network.fxPerUsd &&
    sameItems(suppliers, network.suppliers) &&
    wagonFleet === network.wagonFleet
  ) {
    if (markets.length === network.markets.length) return network;
    let byMode = unchangedNetworks.get(network);
    if (!byMode) {
      byMode = new Map();
      unchangedNetworks.set(network, byMode);
    }
    let unchanged = byMode.get(scenario.market);
    if (!unchanged) {
      unchanged = { ...network, markets };
      byMode.set(scenario.market, unchanged);
    }
    return unchanged;
  }
  return { ...network, plants, markets, nodes, legs, fxPerUsd, suppliers, wagonFleet };
}

/** Per network object and market mode: the network a scenario that changes nothing sees. */
const unchangedNetworks = new WeakMap<Network, Map<Scenario['market'], Network>>();

/** The same objects in the same order (both lists absent counts as the same). */
function sameItems<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const uncalibrated = new WeakMap<Network, Network>();

/**
 * The network a clearing scenario starts from: its calibration applied (DESIGN §3b, docs/backtest.md)
 * unless the scenario says `calibration: 'none'`. Scenario overrides apply on top of it. The
 * calibration is taken off the result, so applying the scenario twice does not apply it twice.
 */
export function calibratedNetwork(scenario: Scenario, network: Network): Network {
  if (!network.calibration) return network;
  let rest = uncalibrated.get(network);
  if (!rest) {
    const { calibration: _, ...without } = network;
    rest = without;
    uncalibrated.set(network, rest);
  }
  if (scenario.market !== 'clearing' || scenario.calibration === 'none') return rest;
  return applyCalibration(rest, network.calibration.adjustments);
}

/**
 * The bagging line under a plant override: its capacity and cost replace the data's. A plant without
 * a line gets one only when the override gives both figures (the consistency check says so otherwise).
 */
function overridePacking(packing: Plant['packing'], po: Scenario['overrides']['plants'][string]): Pick<Plant, 'packing'> {
  const capacityTonnesPerYear = po.packingCapacityTonnesPerYear ?? packing?.capacityTonnesPerYear;
  const costUsdPerTonne = po.packingCostUsdPerTonne ?? packing?.costUsdPerTonne;
  return capacityTonnesPerYear === undefined || costUsdPerTonne === undefined ? {} : { packing: { capacityTonnesPerYear, costUsdPerTonne } };
}

/** A fleet size given in a scenario replaces the data's fleet in every phase (a fleet-size sweep), unless it gives its own per-phase sizes. */
function overrideFleet(fleet: NonNullable<Network['wagonFleet']>, o: NonNullable<Scenario['overrides']['wagonFleet']>): Network['wagonFleet'] {
  const wagonsByPhase = o.wagonsByPhase ?? (o.wagons !== undefined ? undefined : fleet.wagonsByPhase);
  const next = { ...fleet, ...o };
  if (wagonsByPhase) next.wagonsByPhase = wagonsByPhase;
  else delete next.wagonsByPhase;
  return next;
}

function fullFleet(fleet: Scenario['overrides']['wagonFleet']): Network['wagonFleet'] {
  if (!fleet || fleet.wagons === undefined || fleet.tonnesPerWagon === undefined || fleet.turnaroundDays === undefined || fleet.usdPerWagonDay === undefined) return undefined;
  return { wagons: fleet.wagons, tonnesPerWagon: fleet.tonnesPerWagon, turnaroundDays: fleet.turnaroundDays, usdPerWagonDay: fleet.usdPerWagonDay };
}

/**
 * The tenge rate (KZT per USD) a price-taker plan's domestic prices are at, and the rate the plan
 * states (`plan.kztPerUsd`): the scenario's, under either of its names (`overrides.fxKztPerUsd`, or
 * `overrides.fxPerUsd.KZT`: one rate, or its rate for the plan's first year), else the network's
 * reference rate, the one its domestic USD prices were set at. Domestic prices are set in tenge, so
 * in USD they move by reference ÷ this rate. The price-taker mode holds one rate for the whole plan;
 * the clearing mode converts each year's tenge figures at that year's rate (`fxPerUsd.KZT`).
 */
export function priceTakerKztPerUsd(scenario: Scenario, network: Network): number {
  const o = scenario.overrides;
  if (o.fxKztPerUsd !== undefined) return o.fxKztPerUsd;
  const given = o.fxPerUsd.KZT;
  if (given === undefined) return network.fxKztPerUsd;
  if (typeof given === 'number') return given;
  const h = scenario.horizon;
  const firstYear = h.kind === 'multi-year' ? h.fromYear : h.year;
  return fxPerUsd({ ...network.fxPerUsd, KZT: { ...(network.fxPerUsd.KZT ?? {}), ...given } }, 'KZT', firstYear);
}

/** Scenario exchange rates over the network's: one rate for every year, or rates by year. The legacy KZT override counts too. */
function effectiveFx(table: FxTable, overrides: Scenario['overrides']['fxPerUsd'], kztPerUsd: number | undefined): FxTable {
  if (!(kztPerUsd !== undefined && kztPerUsd > 0) && Object.values(overrides).every((rate) => rate === undefined)) return table;
  const out: FxTable = { ...table };
  const set = (currency: keyof FxTable, rate: number | Record<string, number>) => {
    if (typeof rate === 'number') {
      const years = Object.keys(table[currency] ?? { '2027': rate });
      out[currency] = Object.fromEntries(years.map((y) => [y, rate]));
    } else {
      out[currency] = { ...(table[currency] ?? {}), ...rate };
    }
  };
  if (kztPerUsd !== undefined && kztPerUsd > 0) set('KZT', kztPerUsd);
  for (const [currency, rate] of Object.entries(overrides)) if (rate !== undefined) set(currency as keyof FxTable, rate);
  return out;
}

/** Competitors under the scenario: removed, capacity and cost changed, mark-ups scaled. */
function effectiveSuppliers(suppliers: readonly Supplier[], o: Scenario['overrides']): Supplier[] {
  return suppliers.flatMap((supplier) => {
    // Nothing to change: the supplier as it is (networks are never changed in place).
    if (o.suppliers[supplier.id] === undefined && o.competitorMarkupMultiplier === 1) return [supplier];
    const so = o.suppliers[supplier.id] ?? {};
    if (so.absent) return [];
    const capacityTable = so.capacityTonnesPerYear ?? supplier.capacityTonnesPerYear;
    const capacityFactor = so.capacityMultiplier ?? 1;
    const cashCost = so.cashCost ?? supplier.cashCost;
    const costFactor = so.cashCostMultiplier ?? 1;
    return [
      {
        ...supplier,
        capacityTonnesPerYear: Object.fromEntries(Object.entries(capacityTable).map(([y, t]) => [y, t * capacityFactor])),
        cashCost: { ...cashCost, value: cashCost.value * costFactor },
        markupPct: (so.markupPct ?? supplier.markupPct) * o.competitorMarkupMultiplier,
      },
    ];
  });
}

/**
 * Freight for one tonne over a leg, USD/t (distance must be resolved). A sea leg with a vessel costs
 * its voyage over the cargo a voyage carries, so a lighter load raises the freight per tonne.
 */
export function legCostUsdPerTonne(leg: Leg): number {
  if (leg.vessel) return leg.fixedUsdPerTonne + leg.vessel.voyageUsd / leg.vessel.loadTonnes;
  return leg.fixedUsdPerTonne + leg.usdPerTonneKm * (leg.distanceKm ?? 0);
}

/** CO2 for one tonne over a leg, tonnes CO2 per tonne of cement. */
export function legCo2TonnesPerTonne(leg: Leg): number {
  return (leg.co2KgPerTonneKm * (leg.distanceKm ?? 0)) / 1000;
}

/** The duty terms of a market: ad valorem (percent of the delivered price) and specific (USD per tonne). */
export type MarketDuty = Pick<Market, 'dutyPct' | 'dutyUsdPerTonne'>;

/**
 * Delivered price net of the seller's import duty, USD/t:
 * price × (1 − dutyPct / 100) − dutyUsdPerTonne. May be negative when a specific duty exceeds the price.
 */
export function netPriceUsdPerTonne(priceUsdPerTonne: number, market: MarketDuty): number {
  return priceUsdPerTonne * (1 - market.dutyPct / 100) - market.dutyUsdPerTonne;
}

/** Duty paid on one tonne sold at this delivered price, USD/t: price × dutyPct / 100 + dutyUsdPerTonne. */
export function dutyPaidUsdPerTonne(priceUsdPerTonne: number, market: MarketDuty): number {
  return priceUsdPerTonne - netPriceUsdPerTonne(priceUsdPerTonne, market);
}

/** Plant capacity in a period, tonnes. Monthly capacity = annual / 12 × availability. */
export function plantCapacityTonnes(plant: Plant, period: Period): number {
  const byPhase = plant.capacityTonnesPerYearByPhase;
  const annual = byPhase[Math.min(period.phase, byPhase.length) - 1] ?? 0;
  if (period.month === null) return annual * period.yearFraction;
  const availability = plant.monthlyAvailability?.[period.month - 1] ?? 1;
  return annual * period.yearFraction * availability;
}

/** Demand of one price tier in a period, tonnes: seasonality for months, growth for later years. */
export function tierTonnes(market: Market, tierIndex: number, period: Period, firstYear: number): number {
  const tier = market.tiers[tierIndex];
  if (!tier) throw new RangeError(`market ${market.id} has no tier ${tierIndex}`);
  const growth = (1 + market.growthPctPerYear / 100) ** (period.year - firstYear);
  const season = period.month === null ? 1 : (market.seasonality?.[period.month - 1] ?? 1);
  return tier.tonnesPerYear * period.yearFraction * growth * season;
}

/** A leg or node closed in all twelve months: it carries nothing in any period, annual ones included. */
export function closedAllYear(closedMonths: readonly number[]): boolean {
  return closedMonthCount(closedMonths) >= 12;
}

/** How many different months a closure list names (a month listed twice counts once). */
function closedMonthCount(closedMonths: readonly number[]): number {
  let count = 0;
  for (let i = 0; i < closedMonths.length; i++) if (closedMonths.indexOf(closedMonths[i]!) === i) count++;
  return count;
}

/** Is a leg or node closed in this period? A month when listed; a year when closed in all twelve months. */
export function closedIn(closedMonths: readonly number[], period: Period): boolean {
  return period.month === null ? closedAllYear(closedMonths) : closedMonths.includes(period.month);
}

/**
 * Capacity of a leg or node in a period, tonnes; null = unlimited. A closure bites in every horizon.
 * - Monthly: annual / 12, zero in a closed month (unlimited stays unlimited in an open month).
 * - Annual (and each year of a multi-year plan): a capacitated leg or node gets its annual capacity
 *   scaled by the share of months open. An unlimited one stays unlimited when it is open in at least
 *   one month — a partial closure moves the tonnes into the open months, which an annual plan does not
 *   resolve — and is zero when it is closed in all twelve months.
 */
export function periodCapacityTonnes(
  capacityTonnesPerYear: number | undefined,
  closedMonths: readonly number[],
  period: Period,
): number | null {
  if (period.month !== null) {
    if (closedMonths.includes(period.month)) return 0;
    return capacityTonnesPerYear === undefined ? null : capacityTonnesPerYear / 12;
  }
  if (closedAllYear(closedMonths)) return 0;
  if (capacityTonnesPerYear === undefined) return null;
  const openShare = (12 - closedMonthCount(closedMonths)) / 12;
  return capacityTonnesPerYear * period.yearFraction * openShare;
}
