/**
 * The market-clearing mode's economics in USD for one period (DESIGN §3b): demand blocks of a whole
 * market, competitors' capacities and delivered costs, and the duty on our cement at a market.
 * Shared by the model builder and the plan read-out. Browser-safe, pure.
 */
import { consumptionInYear, dutyInPeriod, inForce, toUsd, type Supplier, type SupplierRoute } from './market-schema.ts';
import { tierTonnes, type Period } from './scenario.ts';
import { firstTier, type Market, type Network } from './schema.ts';

export interface DemandStep {
  /** Willingness to pay, delivered, USD/t. */
  readonly valueUsdPerTonne: number;
  readonly tonnes: number;
  readonly label: string;
}

/**
 * A whole market's demand blocks in a period: consumption × share × season, valued at the year's
 * exchange rate. A market without whole-market data falls back to its price-taker tiers as blocks.
 */
export function demandSteps(network: Network, market: Market, period: Period, firstYear: number): DemandStep[] {
  const season = period.month === null ? 1 : (market.seasonality?.[period.month - 1] ?? 1);
  const demand = market.demand;
  if (!demand) {
    return market.tiers.map((tier, k) => ({
      valueUsdPerTonne: tier.priceUsdPerTonne,
      tonnes: tierTonnes(market, k, period, firstYear),
      label: tier.label ?? `tier ${k + 1}`,
    }));
  }
  const consumption = consumptionInYear(demand.consumptionTonnesByYear, period.year, market.growthPctPerYear);
  return demand.blocks.map((block, k) => ({
    valueUsdPerTonne: toUsd(block.value, network.fxPerUsd, period.year),
    tonnes: consumption * block.share * period.yearFraction * season,
    label: block.label ?? `block ${k + 1}`,
  }));
}

/** Whole-market consumption in a period (all blocks), tonnes. */
export function wholeMarketTonnes(network: Network, market: Market, period: Period, firstYear: number): number {
  return demandSteps(network, market, period, firstYear).reduce((s, b) => s + b.tonnes, 0);
}

/** A competitor's capacity in a period: capacity in force in the year × share of the year × availability. */
export function supplierCapacityTonnes(supplier: Supplier, period: Period): number {
  const annual = inForce(supplier.capacityTonnesPerYear, period.year);
  const availability = period.month === null ? 1 : (supplier.monthlyAvailability?.[period.month - 1] ?? 1);
  return annual * period.yearFraction * availability;
}

/** A competitor route's capacity in a period, tonnes; Infinity = unlimited; 0 when closed. */
export function routeCapacityTonnes(route: SupplierRoute, period: Period): number {
  const closed = new Set(route.closedMonths);
  if (period.month !== null) {
    if (closed.has(period.month)) return 0;
    return route.capacityTonnesPerYear === undefined ? Infinity : route.capacityTonnesPerYear / 12;
  }
  if (closed.size >= 12) return 0;
  if (route.capacityTonnesPerYear === undefined) return Infinity;
  return route.capacityTonnesPerYear * period.yearFraction * ((12 - closed.size) / 12);
}

export interface DeliveredCost {
  /** Cash cost at the plant gate, USD/t. */
  readonly cashUsdPerTonne: number;
  /** What the supplier asks on top of cash cost (mark-up), USD/t. */
  readonly markupUsdPerTonne: number;
  readonly freightUsdPerTonne: number;
  readonly dutyUsdPerTonne: number;
  /** Cost of crossing the border into the market's country (`Network.borderFrictions`), USD/t. */
  readonly borderFrictionUsdPerTonne: number;
  /** Offer price delivered: cash + mark-up + freight + duty + border friction, USD/t. */
  readonly totalUsdPerTonne: number;
}

/**
 * A competitor's delivered offer into a market in a year (or one month of it), USD/t. Ad-valorem duty
 * is levied on cash cost + freight; a duty that changes within the year counts by month (`dutyInPeriod`).
 */
export function supplierDeliveredCost(network: Network, supplier: Supplier, route: SupplierRoute, year: number, month: number | null = null): DeliveredCost {
  const cash = toUsd(supplier.cashCost, network.fxPerUsd, year);
  const markup = (cash * supplier.markupPct) / 100;
  const freight = toUsd(route.freight, network.fxPerUsd, year);
  const rates = dutyInPeriod(route, year, month);
  const duty = ((cash + freight) * rates.dutyPct) / 100 + rates.dutyUsdPerTonne;
  const market = network.markets.find((m) => m.id === route.market);
  const border = market ? borderFrictionUsdPerTonne(network, supplier.country, market.country, year) : 0;
  return {
    cashUsdPerTonne: cash,
    markupUsdPerTonne: markup,
    freightUsdPerTonne: freight,
    dutyUsdPerTonne: duty,
    borderFrictionUsdPerTonne: border,
    totalUsdPerTonne: cash + markup + freight + duty + border,
  };
}

/** The border friction from one country into another in a year, USD/t (0 within a country or without one). */
export function borderFrictionUsdPerTonne(network: Network, fromCountry: string, toCountry: string, year: number): number {
  if (fromCountry === toCountry) return 0;
  return network.borderFrictions
    .filter((f) => f.fromCountry === fromCountry && f.toCountry === toCountry)
    .reduce((a, f) => a + toUsd(f.cost, network.fxPerUsd, year), 0);
}

/**
 * The border friction on our cement delivered to a market, USD/t: the friction from our plants'
 * country into the market's. Our deliveries to a market are one variable whichever plant ships them,
 * so plants in different countries take the largest of their frictions.
 */
export function ourBorderFrictionUsdPerTonne(network: Network, market: Market, year: number): number {
  const countries = [...new Set(network.plants.map((p) => p.country))];
  return Math.max(0, ...countries.map((c) => borderFrictionUsdPerTonne(network, c, market.country, year)));
}

/**
 * Duty on one tonne of our cement at a market in the clearing mode, USD/t: the ad-valorem rate on the
 * market's customs value (its `demand.customsValue`, else its first tier's price) plus the specific duty.
 */
export function ourDutyUsdPerTonne(network: Network, market: Market, year: number): number {
  const customs = market.demand?.customsValue
    ? toUsd(market.demand.customsValue, network.fxPerUsd, year)
    : firstTier(market).priceUsdPerTonne;
  return (customs * market.dutyPct) / 100 + market.dutyUsdPerTonne;
}
