/**
 * data/market-history.json: the Kazakh cement market as it was in 2024 and 2025, for calibrating and
 * back-testing the market-clearing model (DESIGN §3b). Browser-safe: zod only.
 *
 * Units are in the field names. Every entity has a `sources` map: for each numeric field a source,
 * or a text starting "ESTIMATE: " that gives the reasoning and a low–high range; for a field left
 * null (not published) a note saying so. Prices are KZT per tonne, ex-VAT.
 */
import { z } from 'zod';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const tonnes = () => finite().min(0).max(1e9);
const id = () =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids are lower-case letters, digits, "_" or "-"');
const Sources = z.record(z.string(), z.string().min(1));

export const PlantStatus = z.enum(['operating', 'idle', 'group']);

/** One cement plant in Kazakhstan (or a named group of small ones, status "group"). */
export const HistoryPlant = z
  .object({
    id: id(),
    name: z.string().min(1).max(200),
    owner: z.string().max(200).default(''),
    /** Oblast (region) or city of republican status. */
    region: z.string().min(1).max(100),
    /** Network market the plant sits in (data/network.json). */
    marketId: id(),
    /** Supplier id in data/market.json, or null when the plant is not modelled there. */
    supplierId: id().nullable(),
    status: PlantStatus,
    lng: finite().min(-180).max(180),
    lat: finite().min(-90).max(90),
    capacityTonnesPerYear: tonnes(),
    /** Cement produced (or sold, when only sales are published — the note says so); an unpublished figure is an ESTIMATE; null = no figure at all (with a note). */
    productionTonnes2024: tonnes().nullable(),
    productionTonnes2025: tonnes().nullable(),
    sources: Sources,
  })
  .strict();
export type HistoryPlant = z.infer<typeof HistoryPlant>;

/** One oblast's apparent consumption. */
export const RegionConsumption = z
  .object({
    region: z.string().min(1).max(100),
    marketId: id(),
    populationMillions2025: finite().gt(0).max(100),
    consumptionTonnes2024: tonnes(),
    consumptionTonnes2025: tonnes(),
    sources: Sources,
  })
  .strict();
export type RegionConsumption = z.infer<typeof RegionConsumption>;

/**
 * Cement traded with one partner country (ISO 3166 alpha-2, or "XX" for the rest), and the point on
 * land where it enters or leaves Kazakhstan (a border crossing or port of entry), where the map draws
 * it; null for a partner with no one such point ("XX").
 */
export const TradeFlow = z
  .object({
    partner: z.string().length(2),
    lng: finite().min(-180).max(180).nullable(),
    lat: finite().min(-90).max(90).nullable(),
    tonnes2024: tonnes(),
    tonnes2025: tonnes(),
    sources: Sources,
  })
  .strict();
export type TradeFlow = z.infer<typeof TradeFlow>;

/** Average ex-VAT price in one network market. */
export const RegionalPrice = z
  .object({
    marketId: id(),
    priceKztPerTonneExVat2024: finite().gt(0).max(1e6),
    priceKztPerTonneExVat2025: finite().gt(0).max(1e6),
    /** Whether the underlying source quoted VAT-inclusive prices (the figures here are converted). */
    sourceIncludesVat: z.boolean(),
    sources: Sources,
  })
  .strict();
export type RegionalPrice = z.infer<typeof RegionalPrice>;

export const NationalTotals = z
  .object({
    consumptionTonnes2024: tonnes(),
    consumptionTonnes2025: tonnes(),
    productionTonnes2024: tonnes(),
    productionTonnes2025: tonnes(),
    importsTonnes2024: tonnes(),
    importsTonnes2025: tonnes(),
    exportsTonnes2024: tonnes(),
    exportsTonnes2025: tonnes(),
    sources: Sources,
  })
  .strict();
export type NationalTotals = z.infer<typeof NationalTotals>;

export const MarketHistory = z
  .object({
    name: z.string().min(1).max(200),
    version: z.string().min(1).max(50),
    country: z.literal('KZ'),
    national: NationalTotals,
    plants: z.array(HistoryPlant).min(1).max(200),
    regions: z.array(RegionConsumption).min(1).max(50),
    importsByOrigin: z.array(TradeFlow).max(50),
    exportsByDestination: z.array(TradeFlow).max(50),
    prices: z.array(RegionalPrice).max(50),
    sources: Sources.default({}),
  })
  .strict();
export type MarketHistory = z.infer<typeof MarketHistory>;
