/**
 * What a Monte Carlo run shares with the threads that solve its draws (server/analysis/mc-pool.ts,
 * server/pool/tasks.ts, server/jobs/): the uncertain inputs, the model built once, the per-draw table
 * and the cancellation error. Structured-clone friendly.
 */
import { z } from 'zod';
import type { LpModel } from '../core/lp.ts';
import { Id, Mode } from '../core/schema.ts';
import { Currency } from '../core/market-schema.ts';

/** A multiplier (1 = as in the scenario): at most 100, like the scenario's own multipliers. */
const nonNegative = () => z.number().refine(Number.isFinite, 'must be a finite number').min(0).max(100, 'a multiplier is at most 100');

export const Distribution = z.discriminatedUnion('type', [
  /** Normal, truncated at 0 (redrawn until non-negative). */
  z.object({ type: z.literal('normal'), mean: nonNegative(), sd: nonNegative() }).strict(),
  z
    .object({ type: z.literal('triangular'), min: nonNegative(), mode: nonNegative(), max: nonNegative() })
    .strict()
    .refine((d) => d.min <= d.mode && d.mode <= d.max, 'needs min ≤ mode ≤ max'),
  z
    .object({ type: z.literal('uniform'), min: nonNegative(), max: nonNegative() })
    .strict()
    .refine((d) => d.min <= d.max, 'needs min ≤ max'),
  /** From data: one of the values, each equally likely. */
  z.object({ type: z.literal('empirical'), values: z.array(nonNegative()).min(1).max(100_000) }).strict(),
]);
export type Distribution = z.infer<typeof Distribution>;

/**
 * One uncertain input, as a multiplier on the scenario's value.
 * price: one market (`market`) or every export / domestic market (`group`);
 * freight: one mode (`mode`) or every leg; demand: one market or a group.
 */
export const Uncertainty = z
  .object({
    /**
     * price, demand: one market or a group (in the clearing mode they scale the whole market's
     * demand blocks: willingness to pay, consumption); freight: one mode or every leg;
     * supplierCost, supplierCapacity (clearing mode): one competitor (`supplier`) or all;
     * fx: the exchange rate of one currency (`currency`, units per USD; the rouble is RUB).
     */
    parameter: z.enum(['price', 'freight', 'demand', 'supplierCost', 'supplierCapacity', 'fx']),
    market: Id.optional(),
    group: z.enum(['export', 'domestic', 'all']).optional(),
    mode: Mode.optional(),
    supplier: Id.optional(),
    currency: Currency.optional(),
    distribution: Distribution,
  })
  .strict()
  .refine((u) => u.parameter === 'freight' || u.mode === undefined, 'only freight takes a mode')
  .refine((u) => u.parameter === 'price' || u.parameter === 'demand' || (u.market === undefined && u.group === undefined), 'only price and demand take a market or a group')
  .refine((u) => (u.parameter !== 'price' && u.parameter !== 'demand') || (u.market === undefined) !== (u.group === undefined), 'price and demand take either a market or a group')
  .refine((u) => u.parameter === 'supplierCost' || u.parameter === 'supplierCapacity' || u.supplier === undefined, 'only supplierCost and supplierCapacity take a supplier')
  .refine((u) => (u.parameter === 'fx') === (u.currency !== undefined), 'fx takes a currency, and only fx');
export type Uncertainty = z.infer<typeof Uncertainty>;

/** The model built once, with what each draw needs to change (structured-clone friendly). */
export interface FastModel {
  readonly model: LpModel;
  readonly markets: readonly { readonly id: string; readonly name: string; readonly domestic: boolean }[];
  /**
   * Sale variables: variable index, market index, coefficient as built (price × (1 − dutyPct / 100)
   * − specific duty) and the market's specific duty, USD/t.
   */
  readonly sales: readonly { readonly v: number; readonly market: number; readonly cost: number; readonly specificDuty: number }[];
  /** Flow variables: coefficient = −(freight × multiplier + rest). */
  readonly flows: readonly { readonly v: number; readonly mode: Mode; readonly freight: number; readonly rest: number }[];
  /** demand-max rows: row index, market index, bound as built. */
  readonly demandRows: readonly { readonly row: number; readonly market: number; readonly ub: number }[];
  readonly shareRows: readonly number[];
  readonly prodVars: readonly number[];
  readonly basis: 'sales' | 'production';
  readonly timeLimitMs: number;
}

export const STATUS_CODES = ['optimal', 'infeasible', 'unbounded', 'timedout', 'error'] as const;

/** Per-draw figures, one array slot per draw (NaN where the draw is not optimal). */
export interface DrawTable {
  readonly margin: Float64Array;
  readonly exportTonnes: Float64Array;
  readonly domesticTonnes: Float64Array;
  readonly domesticShare: Float64Array;
  readonly ruleBinds: Uint8Array;
  /** Index into STATUS_CODES. */
  readonly status: Uint8Array;
  /** draws × markets, 1 = served. */
  readonly served: Uint8Array;
}

export function emptyTable(draws: number, markets: number): DrawTable {
  return {
    margin: new Float64Array(draws),
    exportTonnes: new Float64Array(draws),
    domesticTonnes: new Float64Array(draws),
    domesticShare: new Float64Array(draws),
    ruleBinds: new Uint8Array(draws),
    status: new Uint8Array(draws),
    served: new Uint8Array(draws * markets),
  };
}

/**
 * How a draw's model is solved: `reuse` (default) starts each draw from the solver tableau kept for
 * the fast model (built once per thread) with the draw's coefficients written in; `rebuild` builds
 * the solver's model afresh every draw. Both give the same result; `rebuild` is the reference the
 * benchmark and the tests compare with.
 */
export type DrawSolving = 'reuse' | 'rebuild';

export interface DrawSpec {
  readonly seed: number;
  readonly uncertainties: readonly Uncertainty[];
  readonly solving?: DrawSolving;
}

/** Thrown when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('the analysis was cancelled');
    this.name = 'CancelledError';
  }
}
