/**
 * The one source of truth for the shape of a network and a scenario.
 * The API validates bodies with these schemas, the OpenAPI document is generated from them,
 * and the web page imports them. Browser-safe: no Node imports here.
 *
 * Units are in field names (Tonnes, UsdPerTonne, Km, ...). Every figure in the default data
 * carries a source in the entity's `sources` map (field name -> citation or "ESTIMATE: reasoning").
 */
import { z } from 'zod';

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
const tonnes = () => nonNegative().max(MAX_TONNES, `must be ≤ ${MAX_TONNES.toExponential()} t`);
const usdPerTonne = () => nonNegative().max(MAX_USD_PER_TONNE, `must be ≤ ${MAX_USD_PER_TONNE.toLocaleString('en-US')} USD/t`);
const usd = () => nonNegative().max(MAX_USD, `must be ≤ ${MAX_USD.toExponential()} USD`);
const km = () => nonNegative().max(MAX_KM, `must be ≤ ${MAX_KM.toLocaleString('en-US')} km`);
/** USD or kg CO2 per tonne-km. */
const perTonneKm = () => nonNegative().max(100, 'must be ≤ 100 per tonne-km');
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
  sources: Sources.default({}),
});

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
  sources: Sources.default({}),
});

export const Network = z.object({
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(50),
  currency: z.literal('USD').default('USD'),
  fxKztPerUsd: nonNegative().max(100000).default(510),
  plants: z.array(Plant).min(1).max(50),
  markets: z.array(Market).min(1).max(2000),
  nodes: z.array(TransitNode).max(2000).default([]),
  legs: z.array(Leg).min(1).max(20000),
  sources: Sources.default({}),
});

export const Horizon = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('annual'), year: z.number().int().min(2000).max(2100).default(2027) }),
  z.object({ kind: z.literal('monthly'), year: z.number().int().min(2000).max(2100).default(2027) }),
  z.object({
    kind: z.literal('multi-year'),
    fromYear: z.number().int().min(2000).max(2100),
    toYear: z.number().int().min(2000).max(2100),
    /** First year in which phase 2 capacity is available; omitted = never. */
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
});

export const Objective = z.enum(['margin', 'min-cost', 'max-domestic']);
export const EngineChoice = z.enum(['auto', 'jsLpSolver', 'highs']);

const LegOverride = z
  .object({
    capacityTonnesPerYear: tonnes().nullable(),
    closedMonths: z.array(MonthNumber).max(12),
    usdPerTonneKm: perTonneKm(),
    fixedUsdPerTonne: usdPerTonne(),
  })
  .partial()
  .strict();
const NodeOverride = z
  .object({
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
    demandMultiplier: nonNegative().max(100),
    dutyPct: nonNegative().max(1000),
    dutyUsdPerTonne: nonNegative().max(10000),
    minTonnesPerYear: tonnes(),
    openFromPhase: z.number().int().min(1).max(10),
  })
  .partial()
  .strict();
const PlantOverride = z
  .object({
    capacityTonnesPerYearByPhase: z.array(tonnes()).min(1).max(10),
    variableCostUsdPerTonne: usdPerTonne(),
    monthlyAvailability: MonthlyFactors,
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
    fxKztPerUsd: nonNegative().max(100000).optional(),
    legs: z.record(z.string(), LegOverride).default({}),
    nodes: z.record(z.string(), NodeOverride).default({}),
    markets: z.record(z.string(), MarketOverride).default({}),
    plants: z.record(z.string(), PlantOverride).default({}),
  })
  .strict();

export const MipOptions = z
  .object({
    /** Markets with a `contract` become open/closed decisions with a minimum volume and a fixed cost. */
    contracts: z.boolean().default(false),
    /** Sea legs with `lotTonnes` carry whole lots only. */
    seaLots: z.boolean().default(false),
  })
  .strict();

export const Scenario = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(5000).default(''),
    /** The network inline; omitted = the default network in data/network.json. */
    network: Network.optional(),
    horizon: Horizon.default({ kind: 'annual', year: 2027 }),
    /** Plant phase for annual and monthly plans (1 = 1.3 Mt/yr, 2 = 2.5 Mt/yr by default). */
    phase: z.number().int().min(1).max(10).default(1),
    policy: Policy.default({ domesticShare: 0.5, basis: 'sales' }),
    objective: Objective.default('margin'),
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
    }),
    mip: MipOptions.default({ contracts: false, seaLots: false }),
    engine: EngineChoice.default('auto'),
    timeLimitMs: z.number().int().min(10).max(600000).default(30000),
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
