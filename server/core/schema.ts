/**
 * The one source of truth for the shape of a network and a scenario.
 * The API validates bodies with these schemas, the OpenAPI document is generated from them,
 * and the web page imports them. Browser-safe: no Node imports here.
 *
 * Units are in field names (Tonnes, UsdPerTonne, Km, ...). Every figure in the default data
 * carries a source in the entity's `sources` map (field name -> citation or "ESTIMATE: reasoning").
 */
import { z } from 'zod';
import { MarketCalibration } from './calibration-schema.ts';
import { BorderFriction, CostPerTonne, Currency, FxTable, Supplier, TonnesByYear, WholeMarketDemand, YearKey } from './market-schema.ts';

export const MONTHS = 12;

/** An id used in variable and row names: no separators that would confuse a name. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids are lower-case letters, digits, "_" or "-"');

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = () => finite().min(0, 'must be ≥ 0');
/**
 * Sane bounds per unit, so a finite but absurd figure (1e308 t) is refused with its path rather
 * than overflowing a plan: tonnes (per year, per lot, in stock) up to 1e9 t, prices and per-tonne
 * costs up to 100,000 USD/t, yearly amounts up to 1e12 USD, distances up to 50,000 km.
 */
export const MAX_TONNES = 1e9;
export const MAX_USD_PER_TONNE = 1e5;
export const MAX_USD = 1e12;
export const MAX_KM = 5e4;
// Each message is formatted once: the schemas call these builders hundreds of times at load, and
// toLocaleString made a number formatter each time (about 40 ms of the map page's start).
const TONNES_MESSAGE = `must be ≤ ${MAX_TONNES.toLocaleString('en-US')} t (${(MAX_TONNES / 1000).toLocaleString('en-US')} kt)`;
const USD_PER_TONNE_MESSAGE = `must be ≤ ${MAX_USD_PER_TONNE.toLocaleString('en-US')} USD/t`;
const USD_MESSAGE = `must be ≤ ${MAX_USD.toExponential()} USD`;
const KM_MESSAGE = `must be ≤ ${MAX_KM.toLocaleString('en-US')} km`;
const tonnes = () => nonNegative().max(MAX_TONNES, TONNES_MESSAGE);
const usdPerTonne = () => nonNegative().max(MAX_USD_PER_TONNE, USD_PER_TONNE_MESSAGE);
const usd = () => nonNegative().max(MAX_USD, USD_MESSAGE);
const km = () => nonNegative().max(MAX_KM, KM_MESSAGE);
/** USD or kg CO2 per tonne-km. */
const perTonneKm = () => nonNegative().max(100, 'must be ≤ 100 per tonne-km');
/**
 * A vessel's cargo per voyage, t: a divisor (voyage cost per tonne), so at least a tonne; at most a
 * million (the Caspian's largest ships carry about 13,000 t).
 */
const vesselLoadTonnes = () => finite().min(1, 'must be ≥ 1 t').max(1e6, 'must be ≤ 1,000,000 t');
/** Tenge per USD: domestic prices are divided by it (about 500 in 2026). */
const kztPerUsd = () => finite().min(1, 'must be ≥ 1 KZT per USD').max(100_000, 'must be ≤ 100,000 KZT per USD');
/** Units of a currency per USD: a divisor of every price in that currency (the strongest currency is about 0.3 per USD). */
export const fxUnitsPerUsd = () => finite().min(0.01, 'must be ≥ 0.01 units per USD').max(1e7, 'must be ≤ 10,000,000 units per USD');
/**
 * The hopper-wagon fleet: wagons (Kazakhstan's whole railway has about 130,000), tonnes per wagon
 * (a divisor: a hopper carries 60–75 t), days of a round trip and USD per wagon-day.
 */
const WAGONS_MESSAGE = 'must be ≤ 1,000,000 wagons';
const wagons = () => nonNegative().max(1e6, WAGONS_MESSAGE);
const WagonFleetFields = {
  wagons: wagons(),
  wagonsByPhase: z.array(wagons()).min(1).max(10),
  tonnesPerWagon: finite().min(1, 'must be ≥ 1 t').max(200, 'must be ≤ 200 t'),
  turnaroundDays: finite().min(0.1, 'must be ≥ 0.1 days').max(365, 'must be ≤ 365 days'),
  usdPerWagonDay: nonNegative().max(10_000, 'must be ≤ 10,000 USD per wagon-day'),
};
export const Longitude = finite().min(-180).max(180);
export const Latitude = finite().min(-90).max(90);
/** Month numbers 1..12 (January = 1). */
export const MonthNumber = z.number().int().min(1).max(12);
export const MonthlyFactors = z.array(nonNegative().max(10)).length(MONTHS);

/** field name -> source citation, or a string starting with "ESTIMATE" that gives the reasoning. */
export const Sources = z.record(z.string(), z.string().min(1));

export const Position = z.tuple([Longitude, Latitude]);
export const LineString = z.object({
  type: z.literal('LineString'),
  coordinates: z.array(Position).min(2).max(5000),
});

export const Plant = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  country: z.string().length(2),
  lng: Longitude,
  lat: Latitude,
  /** Nameplate capacity per phase: index 0 = phase 1, index 1 = phase 2. */
  capacityTonnesPerYearByPhase: z.array(tonnes()).min(1).max(10),
  /** Cash cost of making one tonne of cement. */
  variableCostUsdPerTonne: usdPerTonne(),
  /** Fixed cost, reported in the plan but not part of the allocation decision. */
  fixedCostUsdPerYear: usd().default(0),
  /** Fraction of the nominal monthly rate (annual / 12) available in each month (kiln stops, winter). */
  monthlyAvailability: MonthlyFactors.optional(),
  /** Cost of holding one tonne in plant silos for one month (monthly plans). */
  holdingCostUsdPerTonnePerMonth: usdPerTonne().default(0),
  /** Silo capacity for end-of-month stock (monthly plans). */
  stockCapacityTonnes: tonnes().default(0),
  /** Bagging line: tonnes a year it can pack and the cost per tonne packed (bagged product form). */
  packing: z
    .object({ capacityTonnesPerYear: tonnes(), costUsdPerTonne: usdPerTonne() })
    .strict()
    .optional(),
  sources: Sources.default({}),
});

const share = () => finite().min(0).max(1);
/** A share range min..max within 0..1 (min ≤ max). */
export const BaggedShareRange = z
  .object({ min: share(), max: share() })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must be ≤ max', path: ['min'] });

export const PriceTier = z.object({
  /** Tonnes per year the market takes at this delivered price. */
  tonnesPerYear: tonnes(),
  /** Delivered price (CIF / at the regional depot) for this tier. */
  priceUsdPerTonne: usdPerTonne(),
  label: z.string().max(200).optional(),
});

export const Market = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  country: z.string().length(2),
  domestic: z.boolean(),
  lng: Longitude,
  lat: Latitude,
  /** Demand as price tiers: the first at import parity, further tiers lower (winning volume from importers). */
  tiers: z.array(PriceTier).min(1).max(20),
  /** Ad-valorem import duty paid by the seller, percent of the delivered price. */
  dutyPct: nonNegative().max(1000).default(0),
  /**
   * Specific import duty paid by the seller, USD per tonne whatever the price (a duty per tonne, or
   * an ad-valorem duty levied on a fixed minimum customs value). Adds to `dutyPct`.
   */
  dutyUsdPerTonne: nonNegative().max(10000).default(0),
  /** A volume the plan must deliver (contracted). */
  minTonnesPerYear: tonnes().default(0),
  /** Monthly demand factors (average 1) for monthly plans. */
  seasonality: MonthlyFactors.optional(),
  /** Earliest plant phase in which this market may be served (phased exports). */
  openFromPhase: z.number().int().min(1).max(10).default(1),
  /** Mixed-integer contract option: minimum volume once opened and a fixed cost of opening. */
  contract: z
    .object({
      minTonnesPerYear: tonnes(),
      fixedCostUsdPerYear: usd().default(0),
    })
    .optional(),
  /** Demand growth per year for multi-year plans. */
  growthPctPerYear: finite().min(-100).max(100).default(0),
  /**
   * Share of our tonnes here that must be bagged (domestic retail is mostly bagged), 0..1: an exact
   * share, the bagging fixed by the market. `baggedShareRange` makes it a decision instead.
   */
  baggedShare: share().optional(),
  /**
   * Share of our tonnes here that may be bagged, min..max (0..1): the plan chooses our bagged tonnes
   * within it (per plant and period), weighing the bagged premium against the plant's packing cost
   * and capacity. Give either this or `baggedShare`, not both.
   */
  baggedShareRange: BaggedShareRange.optional(),
  /**
   * Price of a bagged tonne over a bulk one here, USD/t (the tiers are bulk prices when it is given).
   * Moves with the market's prices (price multipliers, and the tenge rate for a domestic market) like
   * a tier. In the market-clearing mode it is an add-on to our netback on our bagged tonnes: the
   * clearing price stays the price of cement in bulk.
   */
  baggedPremiumUsdPerTonne: usdPerTonne().optional(),
  /** The whole market (consumption and demand blocks) for the market-clearing mode. */
  demand: WholeMarketDemand.optional(),
  /**
   * A whole market our network does not reach (data/market.json `outsideMarkets`): only competitors
   * sell there. The clearing mode clears it; the price-taker mode leaves it out.
   */
  competitorsOnly: z.boolean().default(false),
  sources: Sources.default({}),
});

export const NodeKind = z.enum(['port', 'rail', 'border', 'depot']);
export const TransitNode = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  kind: NodeKind,
  country: z.string().length(2),
  lng: Longitude,
  lat: Latitude,
  /** Throughput cap for cement through this node; omitted = unlimited. */
  throughputTonnesPerYear: tonnes().optional(),
  handlingUsdPerTonne: usdPerTonne().default(0),
  /** Months (1..12) in which the node handles nothing (northern-Caspian ice). */
  closedMonths: z.array(MonthNumber).max(12).default([]),
  sources: Sources.default({}),
});

export const Mode = z.enum(['rail', 'road', 'sea']);
/** The railway whose tariff applies on a rail leg (KTZ main network, RZD, a concession line). */
export const Railway = z.enum(['KTZ', 'RZD', 'UTY', 'other']);
export const Leg = z.object({
  id: Id,
  from: Id,
  to: Id,
  mode: Mode,
  geometry: LineString,
  /** Route length; computed from the geometry with Turf when omitted. */
  distanceKm: km().optional(),
  /** Per-tonne fixed part of the freight (loading, terminal, canal dues). */
  fixedUsdPerTonne: usdPerTonne().default(0),
  usdPerTonneKm: perTonneKm(),
  /** Capacity available to this plant's cement; omitted = unlimited. */
  capacityTonnesPerYear: tonnes().optional(),
  closedMonths: z.array(MonthNumber).max(12).default([]),
  co2KgPerTonneKm: perTonneKm(),
  /** Sea shipments come in whole lots of this size (mixed-integer option). */
  lotTonnes: tonnes().optional(),
  /** Rail legs: the railway whose tariff applies (scenarios scale tariffs per railway). */
  railway: Railway.optional(),
  /**
   * Sea legs: cargo per voyage and the cost of a voyage. When given, the freight per tonne is
   * fixedUsdPerTonne + voyageUsd / loadTonnes (instead of the per tonne-km rate), so a lighter load
   * (low Caspian water) raises it.
   */
  vessel: z.object({ loadTonnes: vesselLoadTonnes(), voyageUsd: nonNegative().max(1e9) }).strict().optional(),
  sources: Sources.default({}),
});

export const Network = z.object({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(50),
  currency: z.literal('USD').default('USD'),
  fxKztPerUsd: kztPerUsd().default(510),
  plants: z.array(Plant).min(1).max(50),
  markets: z.array(Market).min(1).max(2000),
  nodes: z.array(TransitNode).max(2000).default([]),
  legs: z.array(Leg).min(1).max(20000),
  /** Units of each currency per USD by year (market-clearing mode; every price carries its currency). */
  fxPerUsd: FxTable.default({}),
  /** Competitor plants and import sources (market-clearing mode). */
  suppliers: z.array(Supplier).max(500).default([]),
  /** Per-tonne costs of crossing a border in the market-clearing mode (data/market.json `borderFrictions`). */
  borderFrictions: z.array(BorderFriction).max(100).default([]),
  /**
   * Hopper wagons for our rail shipments: wagon-days = tonnes / tonnesPerWagon × turnaroundDays;
   * the fleet's wagon-days per period cap rail tonnes leaving our plants, at a cost per wagon-day.
   */
  wagonFleet: z
    .object({
      wagons: WagonFleetFields.wagons,
      /** Fleet per plant phase (index 0 = phase 1), when the fleet grows with the plant; overrides `wagons`. */
      wagonsByPhase: WagonFleetFields.wagonsByPhase.optional(),
      tonnesPerWagon: WagonFleetFields.tonnesPerWagon,
      turnaroundDays: WagonFleetFields.turnaroundDays,
      usdPerWagonDay: WagonFleetFields.usdPerWagonDay,
    })
    .strict()
    .optional(),
  /**
   * The whole market fitted to an observed year (data/calibration-2024.json, attached by the loader):
   * applied in the market-clearing mode unless a scenario says `calibration: 'none'`.
   */
  calibration: MarketCalibration.optional(),
  sources: Sources.default({}),
});

export const Horizon = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('annual'), year: z.number().int().min(2000).max(2100).default(2027) }),
  z.object({ kind: z.literal('monthly'), year: z.number().int().min(2000).max(2100).default(2027) }),
  z.object({
    kind: z.literal('multi-year'),
    fromYear: z.number().int().min(2000).max(2100),
    toYear: z.number().int().min(2000).max(2100),
    /** First year in which phase 2 capacity is available (phase 1 before it); omitted = the scenario's phase in every year. */
    phase2FromYear: z.number().int().min(2000).max(2100).optional(),
  }),
]);

export const Basis = z.enum(['sales', 'production']);
export const Policy = z.object({
  /** Minimum share of volume that stays in Kazakhstan (0..1). */
  domesticShare: finite().min(0).max(1).default(0.5),
  basis: Basis.default('sales'),
  /** Cap on export tonnes per year (phased exports); omitted = no cap. */
  exportCapTonnesPerYear: tonnes().optional(),
  /**
   * Caps on cement imported into a country from every other country (a Russian import quota),
   * t/yr. In the market-clearing mode they bind competitors' imports and ours; in the price-taker
   * mode, ours. `markets`: only imports into these markets of the country count (a quota scaled to
   * some regions); every market of the country when absent.
   */
  importCaps: z
    .array(z.object({ country: z.string().length(2), tonnesPerYear: tonnes(), markets: z.array(Id).min(1).max(500).optional() }).strict())
    .max(50)
    .default([]),
});

export const Objective = z.enum(['margin', 'min-cost', 'max-domestic']);
/**
 * price-taker: each market takes our tonnes at given tiers and no one else sells (model v1).
 * clearing: whole markets with competitors; prices clear where supply meets demand (DESIGN §3b).
 */
export const MarketMode = z.enum(['price-taker', 'clearing']);
/** Whether a clearing plan runs on the calibrated market ('default') or the data as written ('none'). */
export const CalibrationChoice = z.enum(['default', 'none']);
export const ReportCurrency = z.enum(['USD', 'KZT']);
export const EngineChoice = z.enum(['auto', 'jsLpSolver', 'highs']);

// Per-id overrides: every figure of the network a planner may change in a scenario (DESIGN §2).
// `null` removes an optional figure (an unlimited capacity, no lots, no contract, no profile).
const LegOverride = z
  .object({
    capacityTonnesPerYear: tonnes().nullable(),
    closedMonths: z.array(MonthNumber).max(12),
    usdPerTonneKm: perTonneKm(),
    fixedUsdPerTonne: usdPerTonne(),
    /** Replaces the leg's distance (from the data or from its geometry). */
    distanceKm: nonNegative().max(50000),
    co2KgPerTonneKm: nonNegative().max(10),
    lotTonnes: nonNegative().max(1_000_000).nullable(),
    /** Sea legs with a vessel: cargo per voyage (low water: 5,500 t instead of 6,500 t at Aktau). */
    vesselLoadTonnes: vesselLoadTonnes(),
    voyageUsd: nonNegative().max(1e9),
  })
  .partial()
  .strict();
const NodeOverride = z
  .object({
    kind: NodeKind,
    throughputTonnesPerYear: tonnes().nullable(),
    closedMonths: z.array(MonthNumber).max(12),
    handlingUsdPerTonne: usdPerTonne(),
  })
  .partial()
  .strict();
const MarketOverride = z
  .object({
    tiers: z.array(PriceTier).min(1).max(20),
    priceMultiplier: nonNegative().max(100),
    /**
     * Added to every tier's delivered price, USD/t, after all price multipliers (the price gap of an
     * unserved market is measured as this shift). May be negative; a tier's price does not go below 0.
     */
    priceShiftUsdPerTonne: finite().min(-10000).max(10000),
    demandMultiplier: nonNegative().max(100),
    dutyPct: nonNegative().max(1000),
    dutyUsdPerTonne: nonNegative().max(10000),
    minTonnesPerYear: tonnes(),
    openFromPhase: z.number().int().min(1).max(10),
    seasonality: MonthlyFactors.nullable(),
    growthPctPerYear: finite().min(-100).max(100),
    contract: z
      .object({ minTonnesPerYear: tonnes(), fixedCostUsdPerYear: usd().default(0) })
      .strict()
      .nullable(),
    /** An exact bagged share (replaces a range). */
    baggedShare: share(),
    /** A bagged share range (replaces an exact share). */
    baggedShareRange: BaggedShareRange,
    /** Premium of a bagged tonne over bulk, USD/t, before the price multipliers; null removes it. */
    baggedPremiumUsdPerTonne: usdPerTonne().nullable(),
  })
  .partial()
  .strict();
const PlantOverride = z
  .object({
    capacityTonnesPerYearByPhase: z.array(tonnes()).min(1).max(10),
    variableCostUsdPerTonne: usdPerTonne(),
    fixedCostUsdPerYear: nonNegative().max(1e12),
    monthlyAvailability: MonthlyFactors,
    holdingCostUsdPerTonnePerMonth: nonNegative().max(10000),
    stockCapacityTonnes: nonNegative().max(1e9),
    /** The bagging line's capacity, t/yr (a plant without a line needs its cost too). */
    packingCapacityTonnesPerYear: tonnes(),
    /** The bagging line's cost per tonne packed, USD/t. */
    packingCostUsdPerTonne: usdPerTonne(),
  })
  .partial()
  .strict();

const SupplierOverride = z
  .object({
    /** Capacity by year, replacing the supplier's table. */
    capacityTonnesPerYear: TonnesByYear,
    capacityMultiplier: nonNegative().max(100),
    cashCost: CostPerTonne,
    cashCostMultiplier: nonNegative().max(100),
    markupPct: nonNegative().max(500),
    /** Leave the supplier out of the market. */
    absent: z.boolean(),
  })
  .partial()
  .strict();

/** What a planner changes on top of the network without editing it. */
export const Overrides = z
  .object({
    /** Multiplies every leg's per-tonne and per-tonne-km cost. */
    freightMultiplier: nonNegative().max(100).default(1),
    freightMultiplierByMode: z.partialRecord(Mode, nonNegative().max(100)).default({}),
    /** Multiplies every export market's prices. */
    exportPriceMultiplier: nonNegative().max(100).default(1),
    domesticPriceMultiplier: nonNegative().max(100).default(1),
    /** KZT per USD: domestic prices are set in tenge, so they move with the rate (reference fxKztPerUsd). */
    fxKztPerUsd: kztPerUsd().optional(),
    legs: z.record(z.string(), LegOverride).default({}),
    nodes: z.record(z.string(), NodeOverride).default({}),
    markets: z.record(z.string(), MarketOverride).default({}),
    plants: z.record(z.string(), PlantOverride).default({}),
    /** Exchange rates per currency: one rate for every year, or rates by year. Units per USD. */
    fxPerUsd: z.partialRecord(Currency, z.union([fxUnitsPerUsd(), z.record(YearKey, fxUnitsPerUsd())])).default({}),
    /** Multiplies every rail leg's tariff on one railway (KTZ ×2.1: the tariff application of 2026). */
    railTariffMultiplierByRailway: z.partialRecord(Railway, nonNegative().max(100)).default({}),
    /** Multiplies every competitor's mark-up over cash cost (0 = a price war: all sell at cash cost). */
    competitorMarkupMultiplier: nonNegative().max(100).default(1),
    /** Multiplies every whole market's consumption (market-clearing mode). */
    consumptionMultiplier: nonNegative().max(100).default(1),
    suppliers: z.record(z.string(), SupplierOverride).default({}),
    /** Change or add the hopper-wagon fleet; null removes it. */
    wagonFleet: z
      .object(WagonFleetFields)
      .partial()
      .strict()
      .nullable()
      .optional(),
  })
  .strict()
  // One tenge rate: the price-taker mode moves domestic prices by `fxKztPerUsd`, the plan reports and
  // the clearing mode converts by the rate table, where `fxPerUsd.KZT` would win; given both, a plan
  // could be solved at one rate and report another.
  .refine((o) => o.fxKztPerUsd === undefined || o.fxPerUsd.KZT === undefined, {
    path: ['fxPerUsd', 'KZT'],
    message: 'the tenge rate is given twice: give overrides.fxKztPerUsd or overrides.fxPerUsd.KZT, not both',
  })
  // One lever under two names, with one range (domestic prices move by 510 ÷ the rate).
  .refine((o) => tengeRates(o.fxPerUsd.KZT).every((rate) => rate >= 1 && rate <= 100_000), {
    path: ['fxPerUsd', 'KZT'],
    message: 'the tenge rate must be between 1 and 100,000 KZT per USD',
  });

function tengeRates(given: number | Record<string, number> | undefined): number[] {
  return given === undefined ? [] : typeof given === 'number' ? [given] : Object.values(given);
}

export const MipOptions = z
  .object({
    /** Markets with a `contract` become open/closed decisions with a minimum volume and a fixed cost. */
    contracts: z.boolean().default(false),
    /** Sea legs with `lotTonnes` carry whole lots only. */
    seaLots: z.boolean().default(false),
  })
  .strict();

/** The smallest `timeLimitMs` a scenario may ask for, ms. */
export const MIN_TIME_LIMIT_MS = 10;

export const Scenario = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(5000).default(''),
    /** The network inline; omitted = the default network in data/network.json. */
    network: Network.optional(),
    horizon: Horizon.default({ kind: 'annual', year: 2027 }),
    /** Plant phase for annual and monthly plans (1 = 1.3 Mt/yr, 2 = 2.5 Mt/yr by default). */
    phase: z.number().int().min(1).max(10).default(1),
    policy: Policy.default({ domesticShare: 0.5, basis: 'sales', importCaps: [] }),
    objective: Objective.default('margin'),
    /** price-taker (default) or clearing: whole markets with competitors (DESIGN §3b). */
    market: MarketMode.default('price-taker'),
    /**
     * Clearing mode: 'default' runs on the network's calibrated market (its `calibration`, fitted to
     * 2024 and back-tested on 2025, docs/backtest.md); 'none' on the market data as written.
     */
    calibration: CalibrationChoice.default('default'),
    /** Currency of money figures in reports (the model works in USD). */
    reportCurrency: ReportCurrency.default('USD'),
    /** Carbon price inside the objective. */
    carbonPriceUsdPerTonneCo2: nonNegative().max(10000).default(0),
    overrides: Overrides.default({
      freightMultiplier: 1,
      freightMultiplierByMode: {},
      exportPriceMultiplier: 1,
      domesticPriceMultiplier: 1,
      legs: {},
      nodes: {},
      markets: {},
      plants: {},
      fxPerUsd: {},
      railTariffMultiplierByRailway: {},
      competitorMarkupMultiplier: 1,
      consumptionMultiplier: 1,
      suppliers: {},
    }),
    mip: MipOptions.default({ contracts: false, seaLots: false }),
    /**
     * Given volumes, tonnes per year by market id: each listed market takes exactly this much in
     * every year it is open (rows `volume:{m}:{y}`). With the min-cost objective the plan delivers
     * them at the least delivered cost instead of placing the plant's full output.
     */
    volumesTonnesPerYear: z.record(Id, tonnes()).optional(),
    engine: EngineChoice.default('auto'),
    timeLimitMs: z.number().int().min(MIN_TIME_LIMIT_MS).max(600000).default(30000),
  })
  .strict();

export type Plant = z.infer<typeof Plant>;
export type Market = z.infer<typeof Market>;
export type TransitNode = z.infer<typeof TransitNode>;
export type Leg = z.infer<typeof Leg>;
export type Network = z.infer<typeof Network>;
export type NetworkInput = z.input<typeof Network>;
export type Horizon = z.infer<typeof Horizon>;
export type Policy = z.infer<typeof Policy>;
export type Overrides = z.infer<typeof Overrides>;
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioInput = z.input<typeof Scenario>;
export type Mode = z.infer<typeof Mode>;
export type EngineChoice = z.infer<typeof EngineChoice>;
export type MarketMode = z.infer<typeof MarketMode>;
export type Railway = z.infer<typeof Railway>;

/** A market's first price tier (at import parity); the schema gives every market at least one. */
export function firstTier(market: Market): Market['tiers'][number] {
  const tier = market.tiers[0];
  if (!tier) throw new RangeError(`market ${market.id} has no price tier`);
  return tier;
}
