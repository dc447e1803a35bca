/**
 * An independent checker of a returned plan: recomputes every constraint family and the objective
 * from the plan's own numbers and the network, without the model builder or any engine.
 * Periods, capacities and demand are re-derived here on purpose (not imported from the model code).
 */
import { effectiveNetwork } from '../../server/core/scenario.ts';
import { withDistances } from '../../server/core/pipeline.ts';
import type { Plan } from '../../server/core/plan-schema.ts';
import type { Network, Scenario } from '../../server/core/schema.ts';

export interface PlanCheck {
  readonly violations: string[];
  /** Margin recomputed from the plan's tonnes and the network's prices and costs, USD. */
  readonly recomputedMarginUsd: number;
}

interface CheckPeriod {
  year: number;
  month: number | null;
  fraction: number;
  phase: number;
}

function periodsFor(scenario: Scenario): CheckPeriod[] {
  const h = scenario.horizon;
  if (h.kind === 'annual') return [{ year: h.year, month: null, fraction: 1, phase: scenario.phase }];
  if (h.kind === 'monthly')
    return Array.from({ length: 12 }, (_, i) => ({ year: h.year, month: i + 1, fraction: 1 / 12, phase: scenario.phase }));
  const out: CheckPeriod[] = [];
  for (let y = h.fromYear; y <= h.toYear; y++)
    out.push({ year: y, month: null, fraction: 1, phase: h.phase2FromYear === undefined ? scenario.phase : y >= h.phase2FromYear ? 2 : 1 });
  return out;
}

/** Closed in every month of the year (re-derived here, not imported from the model code). */
const closedAllYear = (closedMonths: readonly number[]) => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].every((m) => closedMonths.includes(m));

const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= 0.01 + tol * Math.max(Math.abs(a), Math.abs(b));
const leq = (a: number, b: number, tol = 1e-5) => a <= b + tol * Math.max(1, Math.abs(b));

/** A market's bagged share range (re-derived here): a range, or an exact share as min = max. */
function shareRange(m: Network['markets'][number]): { min: number; max: number } {
  return m.baggedShareRange ?? { min: m.baggedShare ?? 0, max: m.baggedShare ?? 0 };
}

/** Does the plan choose the market's bagged tonnes (a range, or a premium)? */
function baggingChosen(m: Network['markets'][number]): boolean {
  const { min, max } = shareRange(m);
  return max > min || (m.baggedPremiumUsdPerTonne ?? 0) > 0;
}

export function checkPlan(plan: Plan, scenario: Scenario, baseNetwork: Network): PlanCheck {
  const v: string[] = [];
  const net = withDistances(effectiveNetwork(scenario, withDistances(baseNetwork)));
  const periods = periodsFor(scenario);
  const firstYear = periods[0].year;
  const T = periods.length;
  if (plan.status !== 'optimal') return { violations: [`plan status is ${plan.status}`], recomputedMarginUsd: NaN };

  const legUse = new Map(plan.legs.map((l) => [l.id, l]));
  const marketUse = new Map(plan.markets.map((m) => [m.id, m]));
  const plantUse = new Map(plan.plants.map((p) => [p.id, p]));
  const nodeIds = new Set(net.nodes.map((n) => n.id));
  const flowProps = new Map(plan.flows.features.map((f) => [String(f.properties.legId), f.properties]));
  const legT = (id: string, t: number) => legUse.get(id)?.tonnesByPeriod[t] ?? NaN;

  for (const l of net.legs) {
    const use = legUse.get(l.id);
    if (!use) { v.push(`leg ${l.id} missing from plan`); continue; }
    for (let t = 0; t < T; t++) {
      const x = use.tonnesByPeriod[t];
      if (x < -1e-6) v.push(`leg ${l.id} negative flow in period ${t}`);
      const p = periods[t];
      if (p.month !== null && l.closedMonths.includes(p.month) && x > 1e-6) v.push(`leg ${l.id} carries ${x} t in closed month ${p.month}`);
      if (p.month === null && closedAllYear(l.closedMonths) && x > 1e-6) v.push(`leg ${l.id} carries ${x} t in ${p.year}, closed all year`);
      if (l.capacityTonnesPerYear !== undefined) {
        const cap = p.month !== null ? l.capacityTonnesPerYear / 12 : l.capacityTonnesPerYear * (12 - new Set(l.closedMonths).size) / 12;
        if (!leq(x, cap)) v.push(`leg ${l.id} over capacity in period ${t}: ${x} > ${cap}`);
      }
      if (scenario.mip.seaLots && l.mode === 'sea' && l.lotTonnes) {
        const lots = x / l.lotTonnes;
        if (Math.abs(lots - Math.round(lots)) > 1e-5) v.push(`leg ${l.id} ships ${x} t, not whole ${l.lotTonnes} t lots`);
      }
    }
  }

  // Aggregate conservation at transit nodes and node throughput.
  for (const n of net.nodes) {
    for (let t = 0; t < T; t++) {
      const inflow = net.legs.filter((l) => l.to === n.id).reduce((s, l) => s + legT(l.id, t), 0);
      const outflow = net.legs.filter((l) => l.from === n.id).reduce((s, l) => s + legT(l.id, t), 0);
      if (!close(inflow, outflow)) v.push(`node ${n.id} period ${t}: in ${inflow} ≠ out ${outflow}`);
      const p = periods[t];
      if (p.month !== null && n.closedMonths.includes(p.month) && inflow > 1e-6) v.push(`node ${n.id} handles ${inflow} t in closed month`);
      if (p.month === null && closedAllYear(n.closedMonths) && inflow > 1e-6) v.push(`node ${n.id} handles ${inflow} t in ${p.year}, closed all year`);
      if (n.throughputTonnesPerYear !== undefined) {
        const cap = p.month !== null ? n.throughputTonnesPerYear / 12 : n.throughputTonnesPerYear * (12 - new Set(n.closedMonths).size) / 12;
        if (!leq(inflow, cap)) v.push(`node ${n.id} over throughput in period ${t}: ${inflow} > ${cap}`);
      }
    }
  }

  // Per-destination conservation (annual totals from the flow features).
  for (const m of net.markets) {
    const into = net.legs.filter((l) => l.to === m.id).reduce((s, l) => s + Number((flowProps.get(l.id)?.tonnesByMarket as Record<string, number> | undefined)?.[m.id] ?? 0), 0);
    const sold = marketUse.get(m.id)?.tonnes ?? NaN;
    if (!close(into, sold)) v.push(`market ${m.id}: delivered ${into} ≠ sold ${sold}`);
    for (const l of net.legs) {
      const x = Number((flowProps.get(l.id)?.tonnesByMarket as Record<string, number> | undefined)?.[m.id] ?? 0);
      if (x > 1e-6 && net.markets.some((mm) => mm.id === l.from)) v.push(`flow leaves market ${l.from}`);
    }
    for (const nId of nodeIds) {
      const tb = (l: { id: string }) => Number((flowProps.get(l.id)?.tonnesByMarket as Record<string, number> | undefined)?.[m.id] ?? 0);
      const inflow = net.legs.filter((l) => l.to === nId).reduce((s, l) => s + tb(l), 0);
      const outflow = net.legs.filter((l) => l.from === nId).reduce((s, l) => s + tb(l), 0);
      if (!close(inflow, outflow)) v.push(`node ${nId} cement for ${m.id}: in ${inflow} ≠ out ${outflow}`);
    }
  }

  // Plants: capacity and balance.
  let productionCost = 0;
  let holdingCost = 0;
  let production = 0;
  for (const p of net.plants) {
    const use = plantUse.get(p.id);
    if (!use) { v.push(`plant ${p.id} missing`); continue; }
    for (let t = 0; t < T; t++) {
      const per = periods[t];
      const annual = p.capacityTonnesPerYearByPhase[Math.min(per.phase, p.capacityTonnesPerYearByPhase.length) - 1];
      const cap = annual * per.fraction * (per.month !== null ? (p.monthlyAvailability?.[per.month - 1] ?? 1) : 1);
      const x = use.tonnesByPeriod[t];
      if (!leq(x, cap)) v.push(`plant ${p.id} over capacity in period ${t}: ${x} > ${cap}`);
      const stock = use.stockTonnesByPeriod?.[t] ?? 0;
      const prevStock = t > 0 ? (use.stockTonnesByPeriod?.[t - 1] ?? 0) : 0;
      if (stock > p.stockCapacityTonnes + 1e-6 && stock > 1e-6) v.push(`plant ${p.id} stock ${stock} over silo capacity`);
      const shipped = net.legs.filter((l) => l.from === p.id).reduce((s, l) => s + legT(l.id, t), 0);
      if (!close(x + prevStock - stock, shipped)) v.push(`plant ${p.id} period ${t}: made ${x} + stock change ≠ shipped ${shipped}`);
      productionCost += x * p.variableCostUsdPerTonne;
      holdingCost += stock * p.holdingCostUsdPerTonnePerMonth;
      production += x;
    }
  }

  // Markets: deliveries, demand tiers, minimums, opening phase; revenue by filling the best tiers first.
  let netRevenue = 0;
  const yearly = new Map<number, { domestic: number; sales: number; production: number; exports: number }>();
  for (const per of periods) yearly.set(per.year, { domestic: 0, sales: 0, production: 0, exports: 0 });
  for (const p of net.plants) {
    for (const [t, x] of (plantUse.get(p.id)?.tonnesByPeriod ?? []).entries()) yearly.get(periods[t].year)!.production += x;
  }
  let contractFixed = 0;
  for (const m of net.markets) {
    const use = marketUse.get(m.id);
    if (!use) { v.push(`market ${m.id} missing`); continue; }
    const byYear = new Map<number, number>();
    for (let t = 0; t < T; t++) {
      const per = periods[t];
      const x = use.tonnesByPeriod[t];
      const delivered = net.legs.filter((l) => l.to === m.id).reduce((s, l) => s + legT(l.id, t), 0);
      if (!close(x, delivered)) v.push(`market ${m.id} period ${t}: sold ${x} ≠ delivered ${delivered}`);
      const growth = (1 + m.growthPctPerYear / 100) ** (per.year - firstYear);
      const season = per.month !== null ? (m.seasonality?.[per.month - 1] ?? 1) : 1;
      const open = per.phase >= m.openFromPhase;
      const tiers = m.tiers
        // The seller pays the ad-valorem duty on the price and the specific duty on every tonne.
        .map((tier) => ({ tonnes: open ? tier.tonnesPerYear * per.fraction * growth * season : 0, net: tier.priceUsdPerTonne * (1 - m.dutyPct / 100) - m.dutyUsdPerTonne }))
        .sort((a, b) => b.net - a.net);
      const demand = tiers.reduce((s, tier) => s + tier.tonnes, 0);
      if (!leq(x, demand)) v.push(`market ${m.id} period ${t}: sold ${x} > demand ${demand}`);
      let left = x;
      for (const tier of tiers) {
        const take = Math.min(left, tier.tonnes);
        netRevenue += take * tier.net;
        left -= take;
      }
      byYear.set(per.year, (byYear.get(per.year) ?? 0) + x);
      const y = yearly.get(per.year)!;
      y.sales += x;
      if (m.domestic) y.domestic += x;
      else y.exports += x;
    }
    for (const [year, x] of byYear) {
      if (m.minTonnesPerYear > 0 && periods.some((p) => p.year === year && p.phase >= m.openFromPhase) && !leq(m.minTonnesPerYear, x))
        v.push(`market ${m.id} ${year}: ${x} below minimum ${m.minTonnesPerYear}`);
      if (scenario.mip.contracts && m.contract && x > 1e-6 && !leq(m.contract.minTonnesPerYear, x))
        v.push(`market ${m.id} ${year}: served ${x} t, below its contract minimum ${m.contract.minTonnesPerYear}`);
    }
    const volume = scenario.volumesTonnesPerYear?.[m.id];
    if (volume !== undefined) {
      for (const [year, x] of byYear) {
        if (periods.some((p) => p.year === year && p.phase >= m.openFromPhase) && !close(x, volume))
          v.push(`market ${m.id} ${year}: sold ${x} t, not its given volume ${volume} t`);
      }
    }
    if (scenario.mip.contracts && m.contract && use.tonnes > 1e-6) contractFixed += m.contract.fixedCostUsdPerYear * byYear.size;
    // Chosen bagging (a share range or a premium): the plan's bagged tonnes within the range, each
    // earning the premium net of the ad-valorem duty; their packing is checked with the line below.
    if (baggingChosen(m)) {
      const { min, max } = shareRange(m);
      for (let t = 0; t < T; t++) {
        const bagged = use.baggedTonnesByPeriod?.[t] ?? NaN;
        const x = use.tonnesByPeriod[t];
        if (!(bagged >= -1e-6) || !leq(min * x, bagged) || !leq(bagged, max * x)) v.push(`market ${m.id} period ${t}: ${bagged} t bagged, outside ${min}..${max} of ${x} t`);
        netRevenue += bagged * (m.baggedPremiumUsdPerTonne ?? 0) * (1 - m.dutyPct / 100);
      }
    } else if (use.baggedTonnes !== undefined && !close(use.baggedTonnes, use.tonnes * shareRange(m).min)) {
      v.push(`market ${m.id}: ${use.baggedTonnes} t bagged, not its exact share ${shareRange(m).min} of ${use.tonnes} t`);
    }
    if (use.baggedTonnes !== undefined && use.bulkTonnes !== undefined && !close(use.baggedTonnes + use.bulkTonnes, use.tonnes))
      v.push(`market ${m.id}: bagged ${use.baggedTonnes} + bulk ${use.bulkTonnes} ≠ ${use.tonnes} t`);
    // Duty is linear in the price, so the duty at the plan's average price is the average duty.
    const duty = (use.priceUsdPerTonne * m.dutyPct) / 100 + m.dutyUsdPerTonne;
    if (!close(use.dutyUsdPerTonne, duty)) v.push(`market ${m.id}: duty ${use.dutyUsdPerTonne} USD/t ≠ recomputed ${duty}`);
    if (use.netbackUsdPerTonne !== null && !close(use.netbackUsdPerTonne, use.priceUsdPerTonne - duty - use.logisticsCostUsdPerTonne))
      v.push(`market ${m.id}: netback ${use.netbackUsdPerTonne} ≠ price − duty − logistics`);
  }
  // Import caps: our tonnes into a capped country (when our plants are outside it), per year.
  const ourCountries = new Set(net.plants.map((p) => p.country));
  for (const cap of scenario.policy.importCaps) {
    if (ourCountries.has(cap.country)) continue;
    for (const year of new Set(periods.map((p) => p.year))) {
      let into = 0;
      for (const m of net.markets) {
        if (m.country !== cap.country || (cap.markets && !cap.markets.includes(m.id))) continue;
        const use = marketUse.get(m.id);
        periods.forEach((p, t) => {
          if (p.year === year) into += use?.tonnesByPeriod[t] ?? 0;
        });
      }
      if (!leq(into, cap.tonnesPerYear)) v.push(`${year}: ${into} t into ${cap.country} over its import cap ${cap.tonnesPerYear}`);
    }
  }
  for (const [year, y] of yearly) {
    const basis = scenario.policy.basis === 'sales' ? y.sales : y.production;
    if (!leq(scenario.policy.domesticShare * basis, y.domestic)) v.push(`${year}: domestic ${y.domestic} t below ${scenario.policy.domesticShare} × ${basis}`);
    const cap = scenario.policy.exportCapTonnesPerYear;
    if (cap !== undefined && !leq(y.exports, cap)) v.push(`${year}: exports ${y.exports} over cap ${cap}`);
  }

  // Logistics and carbon from leg tonnes.
  let logistics = 0;
  let co2 = 0;
  for (const l of net.legs) {
    const tonnes = legUse.get(l.id)?.tonnesByPeriod.reduce((a, b) => a + b, 0) ?? 0;
    const handling = net.nodes.find((n) => n.id === l.to)?.handlingUsdPerTonne ?? 0;
    // A sea leg with a vessel costs its voyage over the cargo one voyage carries.
    const perTonne = l.vessel ? l.fixedUsdPerTonne + l.vessel.voyageUsd / l.vessel.loadTonnes : l.fixedUsdPerTonne + l.usdPerTonneKm * (l.distanceKm ?? 0);
    const freight = tonnes * perTonne;
    const reported = legUse.get(l.id)?.freightUsd;
    if (reported !== undefined && !close(reported, freight)) v.push(`leg ${l.id}: freight ${reported} ≠ recomputed ${freight}`);
    logistics += freight + tonnes * handling;
    co2 += (tonnes * l.co2KgPerTonneKm * (l.distanceKm ?? 0)) / 1000;
  }
  // Bagging at the plant (the market's bagged share of our tonnes) and hopper wagons on rail legs out of a plant.
  const plantIds = new Set(net.plants.map((p) => p.id));
  const fleet = net.wagonFleet;
  // The flows give tonnes per market over the horizon only, so bagging is checked over the horizon.
  const bagged = new Map<string, number>();
  const packed = new Map<string, number>();
  for (let t = 0; t < T; t++) {
    let wagonDays = 0;
    for (const l of net.legs) {
      if (!plantIds.has(l.from)) continue;
      const byMarket = (flowProps.get(l.id)?.tonnesByMarket ?? {}) as Record<string, number>;
      const legT = legUse.get(l.id)?.tonnesByPeriod[t] ?? 0;
      const legTotal = legUse.get(l.id)?.tonnes ?? 0;
      for (const [marketId, x] of Object.entries(byMarket)) {
        // tonnesByMarket is over the horizon; spread it over periods in the leg's own proportion.
        const xt = legTotal > 0 ? (x * legT) / legTotal : 0;
        const market = net.markets.find((m) => m.id === marketId);
        // Chosen bagging is packed from the plan's bagged tonnes (below), not a share of every tonne.
        const share = market && !baggingChosen(market) ? shareRange(market).min : 0;
        const plant = net.plants.find((p) => p.id === l.from)!;
        if (plant.packing) {
          logistics += xt * share * plant.packing.costUsdPerTonne;
          bagged.set(plant.id, (bagged.get(plant.id) ?? 0) + xt * share);
        }
      }
      if (fleet && l.mode === 'rail') {
        logistics += (legT * fleet.usdPerWagonDay * fleet.turnaroundDays) / fleet.tonnesPerWagon;
        wagonDays += (legT * fleet.turnaroundDays) / fleet.tonnesPerWagon;
      }
    }
    const wagons = fleet ? (fleet.wagonsByPhase ? fleet.wagonsByPhase[Math.min(periods[t].phase, fleet.wagonsByPhase.length) - 1] : fleet.wagons) : 0;
    if (fleet && !leq(wagonDays, wagons * 365 * periods[t].fraction)) v.push(`period ${t}: ${wagonDays} wagon-days over the fleet's ${wagons * 365 * periods[t].fraction}`);
  }
  // Chosen bagging: a single-plant network packs every bagged tonne at its one plant.
  const packer = net.plants.length === 1 ? net.plants[0] : undefined;
  for (const m of net.markets) {
    if (!baggingChosen(m)) continue;
    const bagged = marketUse.get(m.id)?.baggedTonnes ?? 0;
    if (net.plants.length > 1 && bagged > 1e-6) v.push(`market ${m.id}: chosen bagging is checked on single-plant networks only`);
    if (packer?.packing) {
      logistics += bagged * packer.packing.costUsdPerTonne;
      packed.set(packer.id, (packed.get(packer.id) ?? 0) + bagged);
    }
  }
  const horizonYears = periods.reduce((s, p) => s + p.fraction, 0);
  for (const plant of net.plants) {
    const total = (bagged.get(plant.id) ?? 0) + (packed.get(plant.id) ?? 0);
    if (plant.packing && !leq(total, plant.packing.capacityTonnesPerYear * horizonYears))
      v.push(`${plant.id} bags ${total} t, over its bagging line`);
  }
  const margin = netRevenue - logistics - productionCost - holdingCost - co2 * scenario.carbonPriceUsdPerTonneCo2 - contractFixed;
  if (plan.kpis && !close(plan.kpis.marginUsd, margin, 1e-6)) v.push(`plan margin ${plan.kpis.marginUsd} ≠ recomputed ${margin}`);
  if (scenario.objective === 'margin' && plan.objectiveValue !== null && !close(plan.objectiveValue, margin, 1e-6))
    v.push(`objective ${plan.objectiveValue} ≠ recomputed margin ${margin}`);
  if (plan.kpis && !close(plan.kpis.productionTonnes, production)) v.push(`production KPI ${plan.kpis.productionTonnes} ≠ ${production}`);
  return { violations: v, recomputedMarginUsd: margin };
}
