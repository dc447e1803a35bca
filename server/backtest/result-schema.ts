/**
 * The back-test as data (GET /api/v1/backtest and the map's Backtest view): one row per figure,
 * modelled against observed, the targets met or missed, and the narrative. Browser-safe: zod only.
 */
import { z } from 'zod';

export const BacktestRowSchema = z.object({
  kind: z.enum(['plant-production', 'imports', 'exports', 'west-net-imports', 'price']),
  /** Plant id, partner country ("total" for Kazakhstan's total), "west", or market id. */
  id: z.string(),
  name: z.string(),
  /** Where the map draws the figure; null for national totals and partners outside the network. */
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  unit: z.enum(['t/yr', 'KZT/t']),
  modelled: z.number(),
  observed: z.number(),
  /** (modelled − observed) / observed × 100; null when the observation is 0. */
  errorPct: z.number().nullable(),
  /** The observation is an ESTIMATE (data/market-history.json), not a published figure. */
  observedIsEstimate: z.boolean(),
  /** Why the observation is one of the model's own inputs or made from them (a demand block at the observed price, capacity × a shared utilisation...); null when independent of them. */
  observedFromInputs: z.string().nullable(),
  /** Price rows: rank among the regional prices (1 = dearest), ties at their average rank; null elsewhere. */
  modelledRank: z.number().nullable(),
  observedRank: z.number().nullable(),
});

export const BacktestTargetSchema = z.object({
  name: z.string(),
  /** Threshold: ± percent for errors, a minimum correlation for price ranks. */
  target: z.number(),
  /** Largest absolute error in percent, or the Spearman correlation. */
  value: z.number(),
  met: z.boolean(),
  detail: z.string(),
  /** Whether the target's observations are independent of the model's inputs; met on built-in observations shows consistency with the data, not accuracy. */
  evidence: z.enum(['independent', 'partly built in', 'built in']),
  /** Which of its observations are built in, and how; empty when independent. */
  evidenceNote: z.string(),
});

export const BacktestResultSchema = z.object({
  calibratedOn: z.number().int(),
  year: z.number().int(),
  rows: z.array(BacktestRowSchema),
  targets: z.array(BacktestTargetSchema),
  narrative: z.array(z.string()),
});
