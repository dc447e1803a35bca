/**
 * The whole market around the plant (DESIGN §3b, model version 2): currencies and exchange rates,
 * competitor plants and import sources with their delivered-cost routes, and each market's whole
 * consumption as falling-price demand blocks. Browser-safe: no Node imports here.
 *
 * Every price and cost carries its currency; the model converts to USD with the scenario's rate for
 * the period's year. Prices are ex-VAT (VAT is refunded along the chain and is not a margin).
 */
import { z } from 'zod';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = () => finite().min(0, 'must be ≥ 0');
/** Tonnes a year: at most 1 Gt (the world makes ~4 Gt of cement). */
const tonnesPerYear = () => nonNegative().max(1e9, 'must be ≤ 1e9 t/yr');
const id = () =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids are lower-case letters, digits, "_" or "-"');
const MonthNumber = z.number().int().min(1).max(12);
const Sources = z.record(z.string(), z.string().min(1));

export const CURRENCIES = ['USD', 'KZT', 'RUB', 'AZN', 'TMT', 'UZS', 'IRR'] as const;
export const Currency = z.enum(CURRENCIES);
export type Currency = z.infer<typeof Currency>;

/** A calendar year as a record key: "2024". */
export const YearKey = z.string().regex(/^(20\d\d|2100)$/, 'a year from 2000 to 2100, e.g. "2027"');

/** An amount of money per tonne in its own currency, ex-VAT. */
export const MoneyPerTonne = z
  .object({
    value: nonNegative().max(1e12, 'must be ≤ 1e12 per tonne'),
    currency: Currency,
  })
  .strict();
export type MoneyPerTonne = z.infer<typeof MoneyPerTonne>;

/** A cost that is an estimate carries its low–high range, in the same currency. */
export const CostPerTonne = MoneyPerTonne.extend({
  low: nonNegative().max(1e12).optional(),
  high: nonNegative().max(1e12).optional(),
}).strict();
export type CostPerTonne = z.infer<typeof CostPerTonne>;

/**
 * Units of each currency per USD by year: `{ "RUB": { "2024": 92.6, "2027": 95 } }`. A year not
 * given takes the nearest earlier year (or the earliest year given). USD is always 1.
 */
export const FxTable = z.partialRecord(Currency, z.record(YearKey, finite().min(0.01, 'must be ≥ 0.01 units per USD').max(1e7, 'must be ≤ 10,000,000 units per USD')));
export type FxTable = z.infer<typeof FxTable>;

/** Capacity in force from a year on: `{ "2024": 800000, "2027": 2000000 }`; before the first year, 0. */
export const TonnesByYear = z.record(YearKey, tonnesPerYear());
export type TonnesByYear = z.infer<typeof TonnesByYear>;

export const RouteMode = z.enum(['rail', 'road', 'sea', 'mixed', 'local']);

/** A month as "2025-08". */
export const MonthKey = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, 'a month as "YYYY-MM", e.g. "2025-08"');

/** A route's duty from a month on (a new tariff, a minimum customs value). */
export const DutyChange = z
  .object({
    from: MonthKey,
    /** Ad-valorem import duty from that month, percent of the customs value (cash cost + freight). */
    dutyPct: nonNegative().max(1000).default(0),
    /** Specific import duty from that month, USD per tonne. */
    dutyUsdPerTonne: nonNegative().max(10000).default(0),
  })
  .strict();
export type DutyChange = z.infer<typeof DutyChange>;

/** How a competitor's cement reaches one market, as a delivered-cost route. */
export const SupplierRoute = z
  .object({
    /** Id of a market in the network. */
    market: id(),
    mode: RouteMode,
    /** Freight, handling and border costs to the market, per tonne. */
    freight: MoneyPerTonne,
    /** Ad-valorem import duty, percent of the customs value (cash cost + freight). */
    dutyPct: nonNegative().max(1000).default(0),
    /** Specific import duty, USD per tonne. */
    dutyUsdPerTonne: nonNegative().max(10000).default(0),
    /**
     * Changes of the duty in time: from the month `from` ("2025-08") on, the route pays these rates
     * instead of `dutyPct` / `dutyUsdPerTonne` (which hold before the first change). A monthly period
     * pays the rates in force in its month; an annual period pays their average over its twelve months.
     */
    dutyChanges: z.array(DutyChange).max(50).default([]),
    /** Capacity of the route (wagons, berths, a quota); omitted = unlimited. */
    capacityTonnesPerYear: tonnesPerYear().optional(),
    /** Months in which the route carries nothing (ice). */
    closedMonths: z.array(MonthNumber).max(12).default([]),
    /** Route length, for the map and CO2. */
    distanceKm: nonNegative().max(20000).optional(),
    sources: Sources.default({}),
  })
  .strict();
export type SupplierRoute = z.infer<typeof SupplierRoute>;

export const SupplierKind = z.enum(['plant', 'import']);

/** A competitor plant or an import source (another country's cement arriving at a border or port). */
export const Supplier = z
  .object({
    id: id(),
    name: z.string().min(1).max(200),
    /** Owner or group, for the report ("West China Cement"). */
    owner: z.string().max(200).default(''),
    kind: SupplierKind,
    country: z.string().length(2),
    lng: finite().min(-180).max(180),
    lat: finite().min(-90).max(90),
    capacityTonnesPerYear: TonnesByYear,
    /** Cash cost of one tonne at the plant gate (or FOB for an import source). */
    cashCost: CostPerTonne,
    /**
     * Mark-up over cash cost at which the supplier offers, percent (recovering fixed cost; market
     * power). 0 = it sells down to cash cost (a price war).
     */
    markupPct: nonNegative().max(500).default(0),
    /** Monthly availability (kiln stops) for monthly plans; average 1. */
    monthlyAvailability: z.array(nonNegative().max(10)).length(12).optional(),
    routes: z.array(SupplierRoute).min(1).max(500),
    sources: Sources.default({}),
  })
  .strict();
export type Supplier = z.infer<typeof Supplier>;

/** One demand block: a share of the year's consumption bought at or below this value per tonne. */
export const DemandBlock = z
  .object({
    /** Share of the year's consumption (0..1); the blocks of a market sum to 1. */
    share: finite().min(0).max(1),
    /** Willingness to pay, delivered, ex-VAT, per tonne. Blocks fall in value. */
    value: MoneyPerTonne,
    label: z.string().max(200).optional(),
  })
  .strict();
export type DemandBlock = z.infer<typeof DemandBlock>;

/** A whole market: its consumption by year and the blocks it is bought in. */
export const WholeMarketDemand = z
  .object({
    /** Apparent consumption by year, t/yr; years between are interpolated, later years grow with `growthPctPerYear`. */
    consumptionTonnesByYear: TonnesByYear.refine((r) => Object.keys(r).length > 0, 'give at least one year'),
    blocks: z.array(DemandBlock).min(1).max(20),
    /** Customs value per tonne on which an ad-valorem duty on our cement is levied; default the first tier's price. */
    customsValue: MoneyPerTonne.optional(),
    sources: Sources.default({}),
  })
  .strict();
export type WholeMarketDemand = z.infer<typeof WholeMarketDemand>;

/**
 * A whole market that only competitors serve: our plant's network has no leg into it (southern
 * Siberia, the Urals, Kyrgyzstan, Tajikistan). It matters to the market-clearing mode because Kazakh
 * plants sell there, and what they sell there they do not sell in our markets.
 */
export const OutsideMarket = z
  .object({
    id: id(),
    name: z.string().min(1).max(200),
    country: z.string().length(2),
    lng: finite().min(-180).max(180),
    lat: finite().min(-90).max(90),
    demand: WholeMarketDemand,
    sources: Sources.default({}),
  })
  .strict();
export type OutsideMarket = z.infer<typeof OutsideMarket>;

/**
 * A cost per tonne on every route that crosses from one country into another (the trade friction of
 * spatial-equilibrium models): what a border adds beyond freight and duty, e.g. the international rail
 * tariff above the domestic one, certification of the product for the importing country, wagons
 * returned empty, border formalities. Applies to competitors' routes by the supplier's country and
 * the market's, and to our deliveries by our plants' country and the market's.
 */
export const BorderFriction = z
  .object({
    id: id(),
    /** Country the cement comes from (ISO 3166 alpha-2). */
    fromCountry: z.string().length(2),
    /** Country of the market it is sold in. */
    toCountry: z.string().length(2),
    /** Cost per tonne crossing; an estimate carries its low–high range (the calibration fits within it). */
    cost: CostPerTonne,
    sources: Sources.default({}),
  })
  .strict();
export type BorderFriction = z.infer<typeof BorderFriction>;

/** data/market.json: what the loader merges into the network for the market-clearing mode. */
export const MarketData = z
  .object({
    name: z.string().min(1).max(200),
    version: z.string().min(1).max(50),
    fxPerUsd: FxTable,
    suppliers: z.array(Supplier).max(500),
    /** Whole-market demand per network market id. */
    demand: z.record(z.string(), WholeMarketDemand),
    /** Markets outside our network that competitors serve, with their whole demand. */
    outsideMarkets: z.array(OutsideMarket).max(100).default([]),
    /** Per-tonne costs of crossing a border, by direction. */
    borderFrictions: z.array(BorderFriction).max(100).default([]),
    sources: Sources.default({}),
  })
  .strict();
export type MarketData = z.infer<typeof MarketData>;

/** Units of `currency` per USD in `year` (nearest earlier year given, else the earliest). */
export function fxPerUsd(table: FxTable, currency: Currency, year: number): number {
  if (currency === 'USD') return 1;
  const byYear = table[currency];
  if (!byYear) throw new Error(`no exchange rate for ${currency}`);
  const years = Object.keys(byYear)
    .map(Number)
    .sort((a, b) => a - b);
  let rate = byYear[String(years[0])];
  for (const y of years) if (y <= year) rate = byYear[String(y)];
  if (rate === undefined) throw new Error(`no exchange rate for ${currency}`);
  return rate;
}

/** An amount in its currency converted to USD at the year's rate. */
export function toUsd(money: MoneyPerTonne, table: FxTable, year: number): number {
  return money.value / fxPerUsd(table, money.currency, year);
}

/** The value of a by-year table in force in `year`: the nearest earlier year, 0 before the first. */
export function inForce(byYear: TonnesByYear, year: number): number {
  let best: number | null = null;
  for (const key of Object.keys(byYear)) {
    const y = Number(key);
    if (y <= year && (best === null || y > best)) best = y;
  }
  return best === null ? 0 : (byYear[String(best)] ?? 0);
}

/**
 * Consumption in a year: linear between the years given; after the last, grown at `growthPctPerYear`
 * per year; before the first, the first.
 */
export function consumptionInYear(byYear: TonnesByYear, year: number, growthPctPerYear: number): number {
  const points = Object.entries(byYear)
    .map(([y, t]) => [Number(y), t] as const)
    .sort((a, b) => a[0] - b[0]);
  const first = points[0];
  const last = points[points.length - 1];
  // The schema asks for at least one year; an empty table is no consumption.
  if (!first || !last) return 0;
  if (year <= first[0]) return first[1];
  if (year >= last[0]) return last[1] * (1 + growthPctPerYear / 100) ** (year - last[0]);
  for (let i = 1; i < points.length; i++) {
    const [y1, t1] = points[i]!;
    const [y0, t0] = points[i - 1]!;
    if (year <= y1) return t0 + ((t1 - t0) * (year - y0)) / (y1 - y0);
  }
  return last[1];
}

/** First month (1..12) of a "YYYY-MM" key as a month count since year 0. */
const monthIndex = (key: string): number => Number(key.slice(0, 4)) * 12 + Number(key.slice(5, 7)) - 1;

/** A route's duty rates in force in one month (1..12) of a year. */
export function dutyInMonth(route: Pick<SupplierRoute, 'dutyPct' | 'dutyUsdPerTonne' | 'dutyChanges'>, year: number, month: number): { dutyPct: number; dutyUsdPerTonne: number } {
  const at = year * 12 + month - 1;
  let rates = { dutyPct: route.dutyPct, dutyUsdPerTonne: route.dutyUsdPerTonne };
  let since = -Infinity;
  for (const c of route.dutyChanges) {
    const from = monthIndex(c.from);
    if (from <= at && from >= since) {
      since = from;
      rates = { dutyPct: c.dutyPct, dutyUsdPerTonne: c.dutyUsdPerTonne };
    }
  }
  return rates;
}

/**
 * A route's duty rates for a period: those of its month, or for a year (month null) their average over
 * the twelve months (a duty from August counts 5/12).
 */
export function dutyInPeriod(route: Pick<SupplierRoute, 'dutyPct' | 'dutyUsdPerTonne' | 'dutyChanges'>, year: number, month: number | null): { dutyPct: number; dutyUsdPerTonne: number } {
  if (month !== null) return dutyInMonth(route, year, month);
  if (route.dutyChanges.length === 0) return { dutyPct: route.dutyPct, dutyUsdPerTonne: route.dutyUsdPerTonne };
  let pct = 0;
  let usd = 0;
  for (let m = 1; m <= 12; m++) {
    const r = dutyInMonth(route, year, m);
    pct += r.dutyPct / 12;
    usd += r.dutyUsdPerTonne / 12;
  }
  return { dutyPct: pct, dutyUsdPerTonne: usd };
}
