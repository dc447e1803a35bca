/**
 * The shape of a whole-market calibration (DESIGN §3b): the fitted parameters for the report and the
 * adjustments the model applies (server/core/calibration.ts applies them to a network).
 * Browser-safe, pure: zod only.
 */
import { z } from 'zod';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
/** A fitted multiplier: from a thousandth to ten times the data's. */
const factor = () => finite().min(0.001).max(10);
/** A parameter of the fit as reported (a cost per tonne in its currency, or a factor). */
const fitted = () => finite().min(-1e12).max(1e12);

export const CalibrationParameterKind = z.enum(['cash-cost', 'demand-value', 'rail-freight', 'border-friction']);
export type CalibrationParameterKind = z.infer<typeof CalibrationParameterKind>;

/** Railways whose freight a calibration scales: KTZ (Kazakh rail), RZD (Russian rail). */
export const CalibratedRailway = z.enum(['KTZ', 'RZD']);
export type CalibratedRailway = z.infer<typeof CalibratedRailway>;

/** One fitted parameter, for the report: where it started, where it ended, its bounds. */
export const CalibrationParameter = z
  .object({
    id: z.string().min(1).max(100),
    kind: CalibrationParameterKind,
    /** What it acts on: supplier ids (cash cost), market ids (demand value), a railway (rail freight), a border friction id. */
    targets: z.array(z.string().min(1).max(64)).min(1).max(100),
    /** Unit of prior, value and bounds: a currency per tonne ("KZT/t") or "factor". */
    unit: z.string().min(1).max(20),
    prior: fitted(),
    value: fitted(),
    lower: fitted(),
    upper: fitted(),
    /** (value − prior) / prior × 100. */
    movedPct: finite().min(-1e9).max(1e9),
    /** The bound the fit ended on (the data pull beyond the stated range), or null. */
    atBound: z.enum(['lower', 'upper']).nullable(),
    source: z.string().max(500).default(''),
  })
  .strict();
export type CalibrationParameter = z.infer<typeof CalibrationParameter>;

/** What the model applies: values that replace or scale the data's. */
export const CalibrationAdjustments = z
  .object({
    /** Cash cost per competitor supplier, in the supplier's own currency per tonne (replaces `cashCost.value`). */
    cashCostBySupplier: z.record(z.string(), finite().min(0).max(1e12)).default({}),
    /** Multiplies every demand block's value (willingness to pay) of a market. */
    demandValueMultiplierByMarket: z.record(z.string(), factor()).default({}),
    /**
     * Multiplies rail freight per railway: competitors' `rail` routes (a Kazakh supplier's on KTZ, a
     * Russian supplier's on RZD) and our rail legs with that `railway`.
     */
    railFreightMultiplierByRailway: z.partialRecord(CalibratedRailway, factor()).default({}),
    /** Border friction per id of `borderFrictions`, in the friction's own currency per tonne (replaces `cost.value`). */
    borderFrictionByFriction: z.record(z.string(), finite().min(0).max(1e12)).default({}),
  })
  .strict();
export type CalibrationAdjustments = z.infer<typeof CalibrationAdjustments>;

export const MarketCalibration = z
  .object({
    name: z.string().min(1).max(200),
    /** The year whose observations were fitted. */
    calibratedOnYear: z.number().int().min(2000).max(2100),
    /** The method in words (objective, weights, search, budget). */
    method: z.string().min(1).max(5000),
    lossBefore: finite().min(0).max(1e12),
    lossAfter: finite().min(0).max(1e12),
    solves: z.number().int().min(0).max(1e9),
    parameters: z.array(CalibrationParameter).max(500),
    adjustments: CalibrationAdjustments,
    sources: z.record(z.string(), z.string().min(1)).default({}),
  })
  .strict();
export type MarketCalibration = z.infer<typeof MarketCalibration>;
